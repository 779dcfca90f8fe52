import { Checkbox, Group, SegmentedControl, Select, Stack, TextInput } from '@mantine/core';
import type { InboxFilters } from '../../api/inbox.ts';
import { useInboxCounts, useLabels } from '../../api/inbox.ts';
import { useNumbers } from '../../api/numbers.ts';
import { useI18n } from '../../i18n/index.tsx';

function countOf(counts: Record<string, unknown> | undefined, view: string): number | null {
  if (!counts) return null;
  const direct = counts[view];
  if (typeof direct === 'number') return direct;
  // Counts may come nested as { views: { mine: { unread } } } or { unread: { mine } }.
  const unread = counts.unread;
  if (unread && typeof unread === 'object' && typeof (unread as Record<string, unknown>)[view] === 'number') return (unread as Record<string, number>)[view] ?? null;
  const views = counts.views as Record<string, unknown> | undefined;
  const v = views?.[view];
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (typeof o.unread === 'number' && o.unread > 0) return o.unread;
    if (typeof o.open === 'number') return o.open;
  }
  return null;
}

export function InboxFiltersBar({ filters, onChange }: { filters: InboxFilters; onChange: (f: InboxFilters) => void }) {
  const { t } = useI18n();
  const counts = useInboxCounts();
  const numbers = useNumbers();
  const labels = useLabels();
  const set = (patch: Partial<InboxFilters>) => onChange({ ...filters, ...patch });
  const viewLabel = (v: InboxFilters['view'], key: 'inbox.view.mine' | 'inbox.view.unassigned' | 'inbox.view.team' | 'inbox.view.all') => {
    const n = countOf(counts.data as Record<string, unknown> | undefined, v);
    return n ? `${t(key)} (${n})` : t(key);
  };
  return (
    <Stack gap={6} p="xs" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
      <TextInput
        aria-label={t('inbox.search')}
        placeholder={t('inbox.search')}
        value={filters.q ?? ''}
        onChange={(e) => set({ q: e.currentTarget.value })}
        size="xs"
        type="search"
      />
      <SegmentedControl
        size="xs"
        fullWidth
        aria-label={t('inbox.filter.view')}
        value={filters.view}
        onChange={(v) => set({ view: v as InboxFilters['view'] })}
        data={[
          { value: 'mine', label: viewLabel('mine', 'inbox.view.mine') },
          { value: 'unassigned', label: viewLabel('unassigned', 'inbox.view.unassigned') },
          { value: 'team', label: viewLabel('team', 'inbox.view.team') },
          { value: 'all', label: viewLabel('all', 'inbox.view.all') },
        ]}
      />
      <SegmentedControl
        size="xs"
        fullWidth
        aria-label={t('inbox.filter.state')}
        value={filters.state}
        onChange={(v) => set({ state: v as InboxFilters['state'] })}
        data={[
          { value: 'open', label: t('inbox.state.open') },
          { value: 'pending', label: t('inbox.state.pending') },
          { value: 'resolved', label: t('inbox.state.resolved') },
        ]}
      />
      <Group grow gap={6}>
        <Select
          size="xs"
          label={t('inbox.filter.number')}
          placeholder={t('inbox.filter.any')}
          clearable
          value={filters.phoneNumberId ?? null}
          onChange={(v) => set({ phoneNumberId: v ?? undefined })}
          data={(numbers.data?.data ?? []).map((n) => ({ value: n.id, label: n.verifiedName ? `${n.displayPhoneNumber} · ${n.verifiedName}` : n.displayPhoneNumber }))}
        />
        <Select
          size="xs"
          label={t('inbox.filter.category')}
          placeholder={t('inbox.filter.any')}
          clearable
          value={filters.category ?? null}
          onChange={(v) => set({ category: (v as InboxFilters['category']) ?? undefined })}
          data={[
            { value: 'new', label: t('inbox.cat.new') },
            { value: 'important', label: t('inbox.cat.important') },
            { value: 'unknown', label: t('inbox.cat.unknown') },
          ]}
        />
      </Group>
      <Group grow gap={6} align="flex-end">
        <Select
          size="xs"
          label={t('inbox.filter.label')}
          placeholder={t('inbox.filter.any')}
          clearable
          value={filters.labelId ?? null}
          onChange={(v) => set({ labelId: v ?? undefined })}
          data={(labels.data?.data ?? []).map((l) => ({ value: l.id, label: l.name }))}
        />
        <Checkbox size="xs" label={t('inbox.filter.unread')} checked={!!filters.unread} onChange={(e) => set({ unread: e.currentTarget.checked })} pb={6} />
      </Group>
    </Stack>
  );
}
