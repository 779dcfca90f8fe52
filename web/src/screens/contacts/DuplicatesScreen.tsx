// Possible duplicates (same e-mail, or one phone number in two forms) and merging them: per group, choose the
// record to keep and merge the others into it. A merge keeps all history (messages, conversations, tags,
// consents, fields) on the record kept; the others stay as "merged into" pointers.
import { useState } from 'react';
import { Alert, Button, Card, Center, Group, Loader, Modal, Radio, Stack, Table, Text, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useDuplicates, useMergeContacts, type DuplicateGroup } from '../../api/contacts.ts';
import { useI18n } from '../../i18n/index.tsx';
import { AnchorLink } from '../../components/links.tsx';
import { ErrorMessage, errorText } from '../../components/Problems.tsx';
import { kindKey } from './ContactSummary.tsx';

function DuplicateGroupCard({ group }: { group: DuplicateGroup }) {
  const i18n = useI18n();
  const { t } = i18n;
  const merge = useMergeContacts();
  // The oldest record by default: it is the one other systems are most likely to know.
  const [keepId, setKeepId] = useState(group.contacts[0]?.id ?? '');
  const [confirming, setConfirming] = useState(false);
  const kept = group.contacts.find((c) => c.id === keepId);
  const others = group.contacts.filter((c) => c.id !== keepId).map((c) => c.id);
  const name = kept?.displayName ?? kept?.phone ?? '—';
  const title = group.reason === 'same e-mail' ? t('dupes.reason.email', { key: group.key }) : t('dupes.reason.phone', { key: group.key });
  const run = () =>
    merge.mutate({ keepId, otherIds: others }, {
      onSuccess: () => {
        setConfirming(false);
        notifications.show({ message: t('dupes.merged', { name }), color: 'green' });
      },
    });
  return (
    <Card withBorder data-testid="duplicate-group">
      <Stack gap="xs">
        <Text fw={600}>{title}</Text>
        <Radio.Group value={keepId} onChange={setKeepId} aria-label={title}>
          <Table>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>{t('dupes.keep')}</Table.Th>
                <Table.Th>{t('contact.name')}</Table.Th>
                <Table.Th>{t('contact.phone')}</Table.Th>
                <Table.Th>{t('contact.email')}</Table.Th>
                <Table.Th>{t('contact.kind')}</Table.Th>
                <Table.Th>{t('dupes.messages')}</Table.Th>
                <Table.Th>{t('dupes.lastMessage')}</Table.Th>
                <Table.Th>{t('dupes.created')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {group.contacts.map((c) => (
                <Table.Tr key={c.id}>
                  <Table.Td><Radio value={c.id} aria-label={t('dupes.keepLabel', { name: c.displayName ?? c.phone ?? c.id })} /></Table.Td>
                  <Table.Td><AnchorLink to="/contacts/$contactId" params={{ contactId: c.id }}>{c.displayName ?? '—'}</AnchorLink></Table.Td>
                  <Table.Td>{c.phone ?? '—'}</Table.Td>
                  <Table.Td>{c.email ?? '—'}</Table.Td>
                  <Table.Td>{t(kindKey(c.kind))}</Table.Td>
                  <Table.Td>{i18n.number(c.messages)}</Table.Td>
                  <Table.Td>{c.lastMessageAt ? i18n.dateTime(c.lastMessageAt) : '—'}</Table.Td>
                  <Table.Td>{i18n.dateTime(c.createdAt)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Radio.Group>
        <Group justify="flex-end">
          <Button onClick={() => { merge.reset(); setConfirming(true); }} disabled={!kept}>{t('dupes.merge')}</Button>
        </Group>
      </Stack>
      <Modal opened={confirming} onClose={() => setConfirming(false)} title={t('dupes.confirmTitle')}>
        <Stack>
          <Text size="sm">{t('dupes.confirm', { count: others.length, name })}</Text>
          {merge.error && <Alert color="red" role="alert">{errorText(merge.error, t('app.error'))}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>{t('app.cancel')}</Button>
            <Button color="red" onClick={run} loading={merge.isPending}>{t('dupes.mergeNow')}</Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}

export function DuplicatesScreen() {
  const { t } = useI18n();
  const dupes = useDuplicates();
  const groups = dupes.data?.data ?? [];
  return (
    <Stack p="md" gap="sm" maw={1100}>
      <Group justify="space-between">
        <Title order={2}>{t('dupes.title')}</Title>
        <AnchorLink to="/contacts">{t('contact.list')}</AnchorLink>
      </Group>
      <Text size="sm" c="dimmed">{t('dupes.help')}</Text>
      {dupes.error && <ErrorMessage error={dupes.error} onRetry={() => void dupes.refetch()} />}
      {dupes.isLoading && <Center p="lg"><Loader /></Center>}
      {dupes.isSuccess && groups.length === 0 && <Text data-testid="no-duplicates">{t('dupes.none')}</Text>}
      {groups.map((g) => <DuplicateGroupCard key={`${g.reason}:${g.key}:${g.contactIds.join(',')}`} group={g} />)}
    </Stack>
  );
}
