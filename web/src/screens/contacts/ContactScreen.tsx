import { useState } from 'react';
import { Alert, Button, Card, Center, Grid, Group, Loader, Select, Stack, Table, Text, TextInput, Textarea, Title } from '@mantine/core';
import { AnchorLink } from '../../components/links.tsx';
import { useConsents, useContact, useContactHistory, useRecordConsent, useUpdateContact } from '../../api/contacts.ts';
import { useFieldDefinitions, useOrganizationList } from '../../api/crm-admin.ts';
import type { ContactDetail } from '../../api/types.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorMessage, errorText } from '../../components/Problems.tsx';
import { ContactSummary } from './ContactSummary.tsx';
import { previewText } from '../inbox/MessageBubble.tsx';
import { MergeCard } from './MergeCard.tsx';
import { FieldInput, fieldErrors, fieldPatch, toInput, type FieldInputValue } from '../../components/custom-fields.tsx';
import { useSession } from '../../session.tsx';

function EditContact({ contact }: { contact: ContactDetail }) {
  const { t } = useI18n();
  const update = useUpdateContact(contact.id);
  const fields = useFieldDefinitions('contact');
  const orgs = useOrganizationList('');
  const [name, setName] = useState(contact.name ?? '');
  const [email, setEmail] = useState(contact.email ?? '');
  const [kind, setKind] = useState<string>(contact.kind);
  const [organizationId, setOrganizationId] = useState<string | null>(contact.organizationId);
  const [language, setLanguage] = useState<string | null>(contact.preferredLanguage);
  const defs = fields.data?.data ?? [];
  // Edited as the organization page does: one input per type, only what changed is sent, problems under their field.
  const initial = Object.fromEntries(defs.map((d) => [d.key, toInput(d, contact.fields?.[d.key])]));
  const [values, setValues] = useState<Record<string, FieldInputValue>>({});
  const placed = fieldErrors(update.error, defs);
  const save = () => {
    const fieldChanges = fieldPatch(defs, initial, { ...initial, ...values });
    update.mutate({
      name: name.trim() || null,
      email: email.trim() || null,
      kind: kind as ContactDetail['kind'],
      organizationId,
      preferredLanguage: language,
      ...(Object.keys(fieldChanges).length ? { fields: fieldChanges } : {}),
    });
  };
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={3} size="h5">{t('app.edit')}</Title>
        <TextInput label={t('contact.name')} value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <TextInput label={t('contact.email')} type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
        <Select
          label={t('contact.kind')}
          value={kind}
          onChange={(v) => setKind(v ?? kind)}
          data={(['unknown', 'lead', 'customer', 'supplier'] as const).map((k) => ({ value: k, label: t(`contact.kind.${k}`) }))}
        />
        <Select label={t('contact.organization')} clearable searchable value={organizationId} onChange={setOrganizationId} data={(orgs.data?.data ?? []).map((o) => ({ value: o.id, label: o.name }))} />
        <Select label={t('contact.language')} clearable value={language} onChange={setLanguage} data={[{ value: 'es', label: 'Español' }, { value: 'en', label: 'English' }, { value: 'pt', label: 'Português' }]} />
        {defs.map((d) => (
          <FieldInput key={d.key} def={d} value={values[d.key] ?? initial[d.key]} error={placed?.byKey[d.key]} onChange={(v) => setValues((o) => ({ ...o, [d.key]: v }))} />
        ))}
        {update.error && (!placed || placed.other) && <Text size="sm" c="red" role="alert">{errorText(update.error, t('app.error'))}</Text>}
        {update.isSuccess && <Text size="sm" c="teal">{t('app.saved')}</Text>}
        <Group justify="flex-end">
          <Button onClick={save} loading={update.isPending}>{t('app.save')}</Button>
        </Group>
      </Stack>
    </Card>
  );
}

function ConsentCard({ contactId }: { contactId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const consents = useConsents(contactId);
  const record = useRecordConsent(contactId);
  const [category, setCategory] = useState<string>('marketing');
  const [state, setState] = useState<string>('opted_in');
  const [evidence, setEvidence] = useState('');
  return (
    <Card withBorder>
      <Stack gap="xs">
        <Title order={3} size="h5">{t('contact.consent')}</Title>
        <Table fz="xs" verticalSpacing={2}>
          <Table.Tbody>
            {(consents.data?.history ?? []).map((h) => (
              <Table.Tr key={h.id}>
                <Table.Td>{i18n.dateTime(h.at)}</Table.Td>
                <Table.Td>{t(`contact.consent.${h.category}` as 'contact.consent.marketing')}</Table.Td>
                <Table.Td>{t(`contact.consent.${h.state}` as 'contact.consent.opted_in')}</Table.Td>
                <Table.Td>{h.source}</Table.Td>
                <Table.Td title={t('contact.consent.evidence')}>{h.evidence ?? ''}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
        <Group grow>
          <Select label={t('contact.consent')} value={category} onChange={(v) => setCategory(v ?? 'marketing')} data={(['marketing', 'utility', 'authentication'] as const).map((c) => ({ value: c, label: t(`contact.consent.${c}`) }))} />
          <Select label={t('inbox.filter.state')} value={state} onChange={(v) => setState(v ?? 'opted_in')} data={(['opted_in', 'opted_out'] as const).map((c) => ({ value: c, label: t(`contact.consent.${c}`) }))} />
        </Group>
        <Textarea label={t('contact.consent.evidence')} value={evidence} onChange={(e) => setEvidence(e.currentTarget.value)} required autosize minRows={2} />
        {record.error && <Text size="sm" c="red" role="alert">{errorText(record.error, t('app.error'))}</Text>}
        <Group justify="flex-end">
          <Button size="xs" disabled={!evidence.trim()} loading={record.isPending} onClick={() => record.mutate({ category, state, source: 'agent', evidence }, { onSuccess: () => { setEvidence(''); void consents.refetch(); } })}>
            {t('contact.consent.record')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}

function History({ contactId }: { contactId: string }) {
  const i18n = useI18n();
  const history = useContactHistory(contactId);
  const items = history.data?.pages.flatMap((p) => p.items ?? p.data ?? []) ?? [];
  return (
    <Card withBorder>
      <Title order={3} size="h5" mb="xs">{i18n.t('contact.notes')}</Title>
      <Stack gap={2}>
        {items.slice(0, 100).map((m) => (
          <Group key={m.id} gap={6} wrap="nowrap">
            <Text size="xs" c="dimmed" w={130} style={{ flexShrink: 0 }}>{i18n.dateTime(m.at)}</Text>
            <Text size="xs">{m.direction === 'in' ? '←' : '→'}</Text>
            <Text size="sm" truncate>{previewText(m, i18n.t)}</Text>
          </Group>
        ))}
      </Stack>
      {history.hasNextPage && <Button size="xs" variant="subtle" onClick={() => void history.fetchNextPage()}>{i18n.t('inbox.loadMore')}</Button>}
    </Card>
  );
}

export function ContactScreen({ contactId }: { contactId: string }) {
  const contact = useContact(contactId);
  const { role } = useSession();
  const { t } = useI18n();
  if (contact.error) return <ErrorMessage error={contact.error} onRetry={() => void contact.refetch()} />;
  if (!contact.data) return <Center p="xl"><Loader /></Center>;
  const merged = contact.data.mergedInto;
  return (
    <Grid p="md" data-testid="contact-page">
      {merged && (
        <Grid.Col span={12}>
          <Alert color="yellow" data-testid="merged-banner">
            {t('contact.mergedInto')}{' '}
            <AnchorLink to="/contacts/$contactId" params={{ contactId: merged }}>{t('contact.mergedOpen')}</AnchorLink>
          </Alert>
        </Grid.Col>
      )}
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Card withBorder><ContactSummary contact={contact.data} /></Card>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Stack>
          <EditContact key={contact.data.updatedAt} contact={contact.data} />
          {/* Merging is for supervisors and up (contacts.merge), and a merged record is only a pointer now. */}
          {role !== null && role !== 'agent' && !contact.data.mergedInto && <MergeCard contact={contact.data} />}
        </Stack>
      </Grid.Col>
      <Grid.Col span={{ base: 12, md: 4 }}>
        <Stack>
          <ConsentCard contactId={contactId} />
          <History contactId={contactId} />
        </Stack>
      </Grid.Col>
    </Grid>
  );
}
