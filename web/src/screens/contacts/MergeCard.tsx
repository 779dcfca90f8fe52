// "Merge another record into this one": for duplicates the automatic check cannot see (a second number, a
// different e-mail). Search a contact, see who it is, confirm; its history moves here (contacts/:id/merge).
import { useState } from 'react';
import { Alert, Button, Card, Group, Modal, Select, Stack, Text, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useContactSearch, useMergeContacts } from '../../api/contacts.ts';
import type { ContactDetail, ContactView } from '../../api/types.ts';
import { useI18n } from '../../i18n/index.tsx';
import { errorText } from '../../components/Problems.tsx';

export function MergeCard({ contact }: { contact: ContactDetail }) {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const found = useContactSearch(q);
  const merge = useMergeContacts();
  // The chosen record is kept whole: once chosen, the box shows its label and searches for that, so the
  // search results no longer hold it.
  const [other, setOther] = useState<ContactView | null>(null);
  const [confirming, setConfirming] = useState(false);
  const candidates = (found.data?.data ?? []).filter((c) => c.id !== contact.id && !c.mergedInto);
  const options = other && !candidates.some((c) => c.id === other.id) ? [other, ...candidates] : candidates;
  const describe = (c: { displayName: string | null; phone: string | null; email: string | null }) =>
    [c.displayName ?? '—', c.phone, c.email].filter(Boolean).join(' · ');
  const here = contact.displayName ?? contact.phone ?? '—';
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={3} size="h5">{t('mergeCard.title')}</Title>
        <Text size="sm" c="dimmed">{t('mergeCard.help')}</Text>
        <Select
          label={t('mergeCard.search')}
          searchable
          clearable
          searchValue={search}
          onSearchChange={setSearch}
          value={other?.id ?? null}
          onChange={(id) => setOther(options.find((c) => c.id === id) ?? null)}
          // The server searched already; show its answer as it is.
          filter={({ options: shown }) => shown}
          data={options.map((c) => ({ value: c.id, label: describe(c) }))}
          nothingFoundMessage={q.trim().length >= 2 && found.isSuccess ? t('mergeCard.nothing') : undefined}
          data-testid="merge-search"
        />
        <Group justify="flex-end">
          <Button variant="default" disabled={!other} onClick={() => { merge.reset(); setConfirming(true); }}>{t('mergeCard.merge')}</Button>
        </Group>
      </Stack>
      <Modal opened={confirming && !!other} onClose={() => setConfirming(false)} title={t('dupes.confirmTitle')}>
        <Stack>
          <Text size="sm">{t('mergeCard.confirm', { other: other ? describe(other) : '', here })}</Text>
          {merge.error && <Alert color="red" role="alert">{errorText(merge.error, t('app.error'))}</Alert>}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>{t('app.cancel')}</Button>
            <Button
              color="red"
              loading={merge.isPending}
              onClick={() =>
                other &&
                merge.mutate({ keepId: contact.id, otherIds: [other.id] }, {
                  onSuccess: () => {
                    setConfirming(false);
                    setOther(null);
                    setSearch('');
                    notifications.show({ message: t('dupes.merged', { name: here }), color: 'green' });
                  },
                })
              }
            >
              {t('dupes.mergeNow')}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
