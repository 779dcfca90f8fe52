import { useState } from 'react';
import { Button, Center, Chip, Group, Loader, Select, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { ButtonLink } from '../../components/links.tsx';
import { CONTACT_SORTS, useContacts, useSegmentPreview, type ContactSort, type SavedSegment } from '../../api/contacts.ts';
import { buildUrl } from '../../api/client.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorMessage, errorText } from '../../components/Problems.tsx';
import { NewContactButton } from './NewContactDialog.tsx';
import { ContactsTable } from './ContactsTable.tsx';
import { SavedSegments } from './SavedSegments.tsx';
import { useSession } from '../../session.tsx';

// Chips add common conditions to the filter text; the text stays the source of truth.
const CHIPS: { id: string; filter: string; label: { es: string; en: string } }[] = [
  { id: 'leads', filter: 'kind = lead', label: { es: 'Prospectos', en: 'Leads' } },
  { id: 'customers', filter: 'kind = customer', label: { es: 'Clientes', en: 'Customers' } },
  { id: 'unknown', filter: 'kind = unknown', label: { es: 'Desconocidos', en: 'Unknown' } },
  { id: 'marketing', filter: 'consent.marketing = opted_in', label: { es: 'Aceptan marketing', en: 'Marketing opt-in' } },
  { id: 'recent', filter: 'last_inbound within 30d', label: { es: 'Escribieron en 30 días', en: 'Wrote in 30 days' } },
  { id: 'email', filter: 'has email', label: { es: 'Con correo', en: 'With e-mail' } },
];

export function combine(text: string, chips: string[]): string {
  const parts = [text.trim(), ...CHIPS.filter((c) => chips.includes(c.id)).map((c) => c.filter)].filter(Boolean);
  return parts.length > 1 ? parts.map((p) => (p === text.trim() ? `(${p})` : p)).join(' and ') : (parts[0] ?? '');
}

/** `initialFilter`: the text the segment filter box starts with (`/contacts?filter=…`). */
export function ContactsScreen({ initialFilter }: { initialFilter?: string | undefined } = {}) {
  const i18n = useI18n();
  const { t, lang } = i18n;
  const [q, setQ] = useState('');
  const [text, setText] = useState(initialFilter ?? '');
  const [chips, setChips] = useState<string[]>([]);
  const [active, setActive] = useState<SavedSegment | null>(null);
  const { role } = useSession();
  const staff = role !== null && role !== 'agent';
  const [dq] = useDebouncedValue(q, 300);
  const filter = combine(text, chips);
  const [dFilter] = useDebouncedValue(filter, 400);
  const preview = useSegmentPreview(dFilter);
  // Only list by the filter once the server accepts it; while typing a wrong one, keep the last good list.
  const listFilter = dFilter && preview.isSuccess && !preview.isPlaceholderData ? dFilter : '';
  const [sort, setSort] = useState<ContactSort>('-created');
  const contacts = useContacts(dq, listFilter, sort);
  // The saved segment applied as saved exports by its id (its name goes into the file name).
  const exportScope = active && listFilter && listFilter.trim() === active.filter ? { segmentId: active.id } : { segment: listFilter || undefined };
  const rows = contacts.data?.pages.flatMap((p) => p.data) ?? [];
  return (
    <Stack p="md" gap="sm">
      <Group justify="space-between">
        <Title order={2}>{t('contact.list')}</Title>
        <Group>
          {staff && (
            <ButtonLink to="/contacts/duplicates" variant="default">
              {t('dupes.link')}
            </ButtonLink>
          )}
          <Button component="a" variant="default" href={buildUrl('/api/v1/contacts/export.csv', { ...exportScope, delimiter: lang === 'es' ? 'semicolon' : 'comma' })} download>
            {t('contact.export')}
          </Button>
          <NewContactButton />
        </Group>
      </Group>
      <Group align="flex-end">
        <TextInput label={t('contact.search')} type="search" value={q} onChange={(e) => setQ(e.currentTarget.value)} w={420} maw="100%" />
        <Select
          label={t('contact.sort')}
          value={sort}
          allowDeselect={false}
          onChange={(v) => v && setSort(v as ContactSort)}
          data={CONTACT_SORTS.map((s) => ({ value: s, label: t(`contact.sort.${s}`) }))}
          w={220}
          data-testid="contact-sort"
        />
      </Group>
      <SavedSegments
        filter={filter}
        filterOk={!!dFilter && dFilter === filter && preview.isSuccess && !preview.isPlaceholderData}
        active={active}
        canWrite={staff}
        onApply={(seg) => {
          setActive(seg);
          setText(seg?.filter ?? '');
          setChips([]);
        }}
      />
      <Textarea
        label={t('contact.segment')}
        description={t('contact.segmentHelp')}
        value={text}
        onChange={(e) => setText(e.currentTarget.value)}
        autosize
        minRows={1}
        styles={{ input: { fontFamily: 'monospace' } }}
        error={preview.error ? errorText(preview.error, t('app.error')) : undefined}
        data-testid="segment-filter"
      />
      <Chip.Group multiple value={chips} onChange={setChips}>
        <Group gap={6}>
          {CHIPS.map((c) => (
            <Chip key={c.id} value={c.id} size="xs">
              {c.label[lang]}
            </Chip>
          ))}
        </Group>
      </Chip.Group>
      {dFilter && preview.data && !preview.error && (
        <Text size="sm" fw={600} data-testid="segment-count" aria-live="polite">
          {t('contact.segmentCount', { count: i18n.number(preview.data.count) })}
        </Text>
      )}
      {contacts.error && <ErrorMessage error={contacts.error} onRetry={() => void contacts.refetch()} />}
      {contacts.isLoading ? (
        <Center p="lg"><Loader /></Center>
      ) : (
        <ContactsTable rows={rows} withTags testId="contacts-table" />
      )}
      {rows.length === 0 && contacts.isSuccess && <Text c="dimmed">{t('contact.empty')}</Text>}
      {contacts.hasNextPage && (
        <Button variant="subtle" onClick={() => void contacts.fetchNextPage()} loading={contacts.isFetchingNextPage}>
          {t('inbox.loadMore')}
        </Button>
      )}
    </Stack>
  );
}
