import { useEffect, useState } from 'react';
import { Center, Text } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import type { InboxFilters } from '../../api/inbox.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ConversationList } from './ConversationList.tsx';
import { InboxFiltersBar } from './InboxFiltersBar.tsx';
import { Thread } from './Thread.tsx';

const FILTERS_KEY = 'charla.inbox.filters';

function initialFilters(): InboxFilters {
  try {
    const saved = JSON.parse(sessionStorage.getItem(FILTERS_KEY) ?? 'null') as InboxFilters | null;
    if (saved && saved.view && saved.state) return { ...saved, q: '' };
  } catch {
    // ignore a corrupt value
  }
  return { view: 'all', state: 'open' };
}

export function InboxScreen({ conversationId }: { conversationId?: string }) {
  const { t } = useI18n();
  const [filters, setFilters] = useState<InboxFilters>(initialFilters);
  const [debouncedQ] = useDebouncedValue(filters.q ?? '', 300);
  useEffect(() => {
    sessionStorage.setItem(FILTERS_KEY, JSON.stringify(filters));
  }, [filters]);
  const effective = { ...filters, q: debouncedQ.trim() || undefined };
  return (
    <div className="inbox-grid">
      <section aria-label={t('inbox.conversations')} style={{ display: 'flex', flexDirection: 'column', minHeight: 0 }}>
        <InboxFiltersBar filters={filters} onChange={setFilters} />
        <ConversationList filters={effective} selectedId={conversationId} />
      </section>
      {conversationId ? (
        <Thread key={conversationId} conversationId={conversationId} />
      ) : (
        <Center className="thread">
          <Text c="dimmed">{t('inbox.pick')}</Text>
        </Center>
      )}
    </div>
  );
}
