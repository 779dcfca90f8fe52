// A list of contacts as a table (name linking to the contact page, number, kind, e-mail, and tags when asked):
// the contacts list and an organization's contacts.
import { Badge, Table } from '@mantine/core';
import type { ContactView } from '../../api/types.ts';
import { AnchorLink } from '../../components/links.tsx';
import { useI18n } from '../../i18n/index.tsx';
import { kindKey } from './ContactSummary.tsx';

type Row = Pick<ContactView, 'id' | 'displayName' | 'phone' | 'kind' | 'email'> & { tags?: string[] };

export function ContactsTable({ rows, withTags = false, testId }: { rows: Row[]; withTags?: boolean; testId: string }) {
  const { t } = useI18n();
  return (
    <Table striped highlightOnHover data-testid={testId}>
      <Table.Thead>
        <Table.Tr>
          <Table.Th>{t('contact.name')}</Table.Th>
          <Table.Th>{t('contact.phone')}</Table.Th>
          <Table.Th>{t('contact.kind')}</Table.Th>
          <Table.Th>{t('contact.email')}</Table.Th>
          {withTags && <Table.Th>{t('contact.tags')}</Table.Th>}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((c) => (
          <Table.Tr key={c.id}>
            <Table.Td>
              <AnchorLink to="/contacts/$contactId" params={{ contactId: c.id }}>{c.displayName ?? c.phone ?? '—'}</AnchorLink>
            </Table.Td>
            <Table.Td>{c.phone ?? '—'}</Table.Td>
            <Table.Td>{t(kindKey(c.kind))}</Table.Td>
            <Table.Td>{c.email ?? ''}</Table.Td>
            {withTags && <Table.Td>{(c.tags ?? []).map((tag) => <Badge key={tag} size="xs" variant="light" mr={2}>{tag}</Badge>)}</Table.Td>}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
