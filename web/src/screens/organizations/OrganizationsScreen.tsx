// Organizations: the companies contacts belong to (customers, suppliers, partners). Every staff member works with them.
import { useState } from 'react';
import { Group, Select, SimpleGrid, Stack, Table, Text, TextInput, Title, Button } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { ORGANIZATION_KINDS, useCreateOrganization, useOrganizationList, type OrganizationKind } from '../../api/crm-admin.ts';
import { AnchorLink } from '../../components/links.tsx';
import { ErrorMessage, errorText } from '../../components/Problems.tsx';
import { placeErrors } from '../../components/forms.tsx';
import { useI18n } from '../../i18n/index.tsx';

export const ORG_INPUTS = ['name', 'domain', 'kind'] as const;
const EMPTY_ORG = { name: '', domain: '', kind: 'customer' as OrganizationKind };
/** The server answers at most this many organizations (by name). */
const LIST_LIMIT = 200;

export function useKindOptions() {
  const { t } = useI18n();
  return ORGANIZATION_KINDS.map((k) => ({ value: k, label: t(`org.kind.${k}`) }));
}

export function OrganizationsScreen() {
  const { t, number } = useI18n();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search.trim(), 250);
  const list = useOrganizationList(q);
  const rows = list.data?.data;
  return (
    <Stack p="md" maw={1100} data-testid="organizations-page">
      <Title order={2}>{t('org.title')}</Title>
      <Text size="sm" c="dimmed">{t('org.help')}</Text>
      <TextInput label={t('org.search')} value={search} onChange={(e) => setSearch(e.currentTarget.value)} maw={360} type="search" />
      {list.error ? <ErrorMessage error={list.error} onRetry={() => void list.refetch()} /> : null}
      {rows && rows.length === 0 && <Text size="sm" data-testid="orgs-empty">{q ? t('org.noMatch', { q }) : t('org.empty')}</Text>}
      {rows && rows.length > 0 && (
        <Table striped highlightOnHover withTableBorder data-testid="orgs-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>{t('org.name')}</Table.Th>
              <Table.Th>{t('org.domain')}</Table.Th>
              <Table.Th>{t('org.kind')}</Table.Th>
              <Table.Th style={{ textAlign: 'end' }}>{t('org.contacts')}</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((o) => (
              <Table.Tr key={o.id} data-testid="org-row" data-id={o.id}>
                <Table.Td>
                  <AnchorLink to="/organizations/$organizationId" params={{ organizationId: o.id }}>{o.name}</AnchorLink>
                </Table.Td>
                <Table.Td>{o.domain ?? ''}</Table.Td>
                <Table.Td>{t(`org.kind.${o.kind}`)}</Table.Td>
                <Table.Td style={{ textAlign: 'end' }}>{number(o.contacts)}</Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      {rows && rows.length >= LIST_LIMIT && <Text size="sm" c="dimmed">{t('org.limit', { count: number(LIST_LIMIT) })}</Text>}
      <Title order={3} size="h4">{t('org.new')}</Title>
      <NewOrganizationForm />
    </Stack>
  );
}

function NewOrganizationForm() {
  const { t } = useI18n();
  const create = useCreateOrganization();
  const kinds = useKindOptions();
  const [f, setF] = useState(EMPTY_ORG);
  const placed = placeErrors(create.error, ORG_INPUTS);
  const submit = () => create.mutate({ name: f.name, domain: f.domain.trim() || null, kind: f.kind }, { onSuccess: () => setF(EMPTY_ORG) });
  return (
    <Stack data-testid="org-form" component="form" gap="xs" onSubmit={(e: React.FormEvent) => { e.preventDefault(); submit(); }}>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput label={t('org.name')} required maxLength={200} value={f.name} onChange={(e) => { const name = e.currentTarget.value; setF((s) => ({ ...s, name })); }} error={placed.byInput.name} />
        <TextInput label={t('org.domain')} placeholder={t('org.domainPlaceholder')} maxLength={200} value={f.domain} onChange={(e) => { const domain = e.currentTarget.value; setF((s) => ({ ...s, domain })); }} error={placed.byInput.domain} />
        <Select label={t('org.kind')} allowDeselect={false} value={f.kind} onChange={(v) => v && setF((s) => ({ ...s, kind: v as OrganizationKind }))} data={kinds} error={placed.byInput.kind} />
      </SimpleGrid>
      {placed.other && <Text size="sm" c="red" role="alert">{errorText(create.error, t('app.error'))}</Text>}
      <Group><Button type="submit" loading={create.isPending} disabled={!f.name.trim()}>{t('org.create')}</Button></Group>
    </Stack>
  );
}
