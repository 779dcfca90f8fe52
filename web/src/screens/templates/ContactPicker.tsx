import { useState } from 'react';
import { Select } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client.ts';
import type { ContactView } from '../../api/types.ts';
import { useI18n } from '../../i18n/index.tsx';

/** Search a contact by name or phone (server search), for previews with real values. */
export function ContactPicker({ value, onChange, label }: { value: string | null; onChange: (id: string | null) => void; label: string }) {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const [q] = useDebouncedValue(search, 250);
  const contacts = useQuery({
    queryKey: ['contacts', 'picker', q],
    queryFn: ({ signal }) => api.get<{ data: ContactView[] }>('/api/v1/contacts', { q, limit: 20 }, signal),
    placeholderData: (prev) => prev,
  });
  const [chosen, setChosen] = useState<{ value: string; label: string } | null>(null);
  const data = (contacts.data?.data ?? []).map((c) => ({ value: c.id, label: `${c.displayName ?? '—'} · ${c.phone ?? c.username ?? ''}` }));
  if (chosen && !data.some((d) => d.value === chosen.value)) data.unshift(chosen);
  return (
    <Select
      label={label}
      placeholder={t('tpl.pickContact')}
      searchable
      clearable
      searchValue={search}
      onSearchChange={setSearch}
      filter={({ options }) => options}
      value={value}
      data={data}
      onChange={(id, option) => {
        setChosen(option ?? null);
        onChange(id);
      }}
      nothingFoundMessage={t('contact.empty')}
      data-testid="contact-picker"
    />
  );
}
