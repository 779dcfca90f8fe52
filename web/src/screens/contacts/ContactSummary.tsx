import { Badge, Button, Group, Stack, Table, TagsInput, Text, Title } from '@mantine/core';
import { Link } from '@tanstack/react-router';
import { AnchorLink, ButtonLink } from '../../components/links.tsx';
import { useUpdateContact } from '../../api/contacts.ts';
import { useFieldDefinitions } from '../../api/crm-admin.ts';
import { useShowValue } from '../../components/custom-fields.tsx';
import type { ContactDetail, ConsentState } from '../../api/types.ts';
import { useI18n, type MessageKey } from '../../i18n/index.tsx';
import { errorText } from '../../components/Problems.tsx';

const CATEGORIES = ['marketing', 'utility', 'authentication'] as const;

export function consentStateOf(c: ContactDetail, category: string): string {
  const v = Array.isArray(c.consent) ? c.consent.find((x) => x.category === category)?.state : (c.consent as Record<string, ConsentState | string | null>)[category];
  if (typeof v === 'string') return v;
  return v?.state ?? 'unknown';
}

export const kindKey = (kind: string) => `contact.kind.${kind}` as MessageKey;

/** Shared by the inbox side panel and the contact page. */
export function ContactSummary({ contact, compact = false }: { contact: ContactDetail; compact?: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  const update = useUpdateContact(contact.id);
  const defs = useFieldDefinitions('contact').data?.data ?? [];
  const showValue = useShowValue();
  // Labels and formatted values for the workspace's fields; a value whose field was deleted keeps its key.
  const fieldEntries = Object.entries(contact.fields ?? {}).map(([k, v]) => {
    const def = defs.find((d) => d.key === k);
    return { key: k, label: def?.label ?? k, text: showValue(def ?? { key: k, label: k, type: 'text' }, v) };
  });
  return (
    <Stack gap="sm" data-testid="contact-summary">
      <div>
        <Title order={compact ? 4 : 2}>{contact.displayName ?? contact.phone}</Title>
        <Group gap={4}>
          <Badge variant="light" data-testid="contact-kind">{t(kindKey(contact.kind))}</Badge>
          {contact.country && <Badge variant="outline" color="gray">{contact.country}</Badge>}
        </Group>
      </div>
      {(contact.kind === 'unknown' || contact.kind === 'lead') && (
        <Group gap={6}>
          {contact.kind === 'unknown' && (
            <Button size="compact-xs" variant="light" onClick={() => update.mutate({ kind: 'lead' })} loading={update.isPending}>
              {t('contact.convertLead')}
            </Button>
          )}
          <Button size="compact-xs" variant="light" color="grape" onClick={() => update.mutate({ kind: 'customer' })} loading={update.isPending}>
            {t('contact.convertCustomer')}
          </Button>
        </Group>
      )}
      {update.error && <Text size="xs" c="red" role="alert">{errorText(update.error, t('app.error'))}</Text>}
      <Table withRowBorders={false} verticalSpacing={2} fz="sm">
        <Table.Tbody>
          <Table.Tr><Table.Th>{t('contact.phone')}</Table.Th><Table.Td>{contact.phone ?? '—'}</Table.Td></Table.Tr>
          {contact.profileName && <Table.Tr><Table.Th>{t('contact.profileName')}</Table.Th><Table.Td>{contact.profileName}</Table.Td></Table.Tr>}
          <Table.Tr><Table.Th>{t('contact.email')}</Table.Th><Table.Td>{contact.email ?? '—'}</Table.Td></Table.Tr>
          <Table.Tr>
            <Table.Th>{t('contact.organization')}</Table.Th>
            <Table.Td>
              {contact.organization ? (
                <AnchorLink to="/organizations/$organizationId" params={{ organizationId: contact.organization.id }}>{contact.organization.name}</AnchorLink>
              ) : '—'}
            </Table.Td>
          </Table.Tr>
          {contact.preferredLanguage && <Table.Tr><Table.Th>{t('contact.language')}</Table.Th><Table.Td>{contact.preferredLanguage}</Table.Td></Table.Tr>}
        </Table.Tbody>
      </Table>
      <TagsInput
        size="xs"
        label={t('contact.tags')}
        value={contact.tags}
        onChange={(tags) => update.mutate({ tags })}
        clearable
      />
      {fieldEntries.length > 0 && (
        <div>
          <Text size="sm" fw={600}>{t('contact.fields')}</Text>
          <Table withRowBorders={false} verticalSpacing={2} fz="sm">
            <Table.Tbody>
              {fieldEntries.map((f) => (
                <Table.Tr key={f.key} data-testid="contact-field" data-key={f.key}><Table.Th>{f.label}</Table.Th><Table.Td>{f.text}</Table.Td></Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </div>
      )}
      <div>
        <Text size="sm" fw={600}>{t('contact.consent')}</Text>
        <Group gap={4}>
          {CATEGORIES.map((cat) => {
            const state = consentStateOf(contact, cat);
            return (
              <Badge key={cat} variant="light" color={state === 'opted_in' ? 'teal' : state === 'opted_out' ? 'red' : 'gray'}>
                {t(`contact.consent.${cat}`)}: {t(`contact.consent.${state === 'opted_in' || state === 'opted_out' ? state : 'unknown'}`)}
              </Badge>
            );
          })}
        </Group>
      </div>
      <div>
        <Text size="sm" fw={600}>{t('contact.history')}</Text>
        {contact.conversations.map((c) => (
          <Group key={c.id} gap={6} wrap="nowrap">
            <Link to="/inbox/$conversationId" params={{ conversationId: c.id }}>{c.number}</Link>
            <Text size="xs" c="dimmed">
              {t(`inbox.state.${c.state}`)} · {c.windowOpen ? t('contact.windowOpen') : t('contact.windowClosed')}
              {c.lastMessageAt ? ` · ${i18n.relative(c.lastMessageAt)}` : ''}
            </Text>
          </Group>
        ))}
      </div>
      {compact && (
        <ButtonLink to="/contacts/$contactId" params={{ contactId: contact.id }} size="xs" variant="subtle">
          {t('contact.open')}
        </ButtonLink>
      )}
    </Stack>
  );
}
