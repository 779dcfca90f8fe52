import { useEffect, useRef, type KeyboardEvent } from 'react';
import { Badge, Button, Center, Group, Loader, Text } from '@mantine/core';
import { useNavigate } from '@tanstack/react-router';
import { useConversations, type InboxFilters } from '../../api/inbox.ts';
import type { ConversationSummary } from '../../api/types.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorMessage } from '../../components/Problems.tsx';
import { previewText } from './MessageBubble.tsx';

function Row({ c, selected }: { c: ConversationSummary; selected: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  const navigate = useNavigate();
  const name = c.contact?.displayName ?? c.contact?.phone ?? '—';
  const last = c.lastMessage;
  const preview = last ? (last.type === 'text' ? (last.text ?? '') : `${previewText({ type: last.type, content: {} }, t)}${last.text ? ` ${last.text}` : ''}`) : '';
  return (
    <button
      type="button"
      className="conv-item"
      aria-current={selected ? 'true' : undefined}
      data-testid="conversation-item"
      data-conversation-id={c.id}
      onClick={() => void navigate({ to: '/inbox/$conversationId', params: { conversationId: c.id } })}
    >
      <Group justify="space-between" wrap="nowrap" gap={6}>
        <Text fw={c.unreadCount > 0 ? 700 : 500} size="sm" truncate>
          {c.important && <span aria-label={t('thread.important')}>★ </span>}
          {name}
        </Text>
        {c.lastMessageAt && (
          <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
            {i18n.relative(c.lastMessageAt)}
          </Text>
        )}
      </Group>
      <Group justify="space-between" wrap="nowrap" gap={6}>
        <Text size="xs" c="dimmed" truncate data-testid="conversation-preview">
          {last?.direction === 'out' ? '↩ ' : ''}
          {preview}
        </Text>
        {c.unreadCount > 0 && (
          <Badge size="sm" circle color="teal" aria-label={t('inbox.unread', { count: c.unreadCount })}>
            {c.unreadCount}
          </Badge>
        )}
      </Group>
      <Group gap={4} mt={2}>
        {c.contact?.kind === 'unknown' && <Badge size="xs" variant="outline" color="gray">{t('inbox.cat.unknown')}</Badge>}
        {c.number && <Badge size="xs" variant="light" color="gray">{c.number.displayPhoneNumber}</Badge>}
        {c.assignee && <Badge size="xs" variant="light">{c.assignee.name}</Badge>}
        {c.labels?.map((l) => (
          <Badge key={l.id} size="xs" variant="light" color={l.color ?? 'blue'}>
            {l.name}
          </Badge>
        ))}
      </Group>
    </button>
  );
}

export function ConversationList({ filters, selectedId }: { filters: InboxFilters; selectedId: string | undefined }) {
  const { t } = useI18n();
  const query = useConversations(filters);
  const listRef = useRef<HTMLDivElement>(null);
  const items = query.data?.pages.flatMap((p) => p.items) ?? [];

  // Arrow keys move between conversations (focus only; Enter opens).
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const buttons = Array.from(listRef.current?.querySelectorAll<HTMLButtonElement>('.conv-item') ?? []);
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = buttons[e.key === 'ArrowDown' ? Math.min(i + 1, buttons.length - 1) : Math.max(i - 1, 0)];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  };

  useEffect(() => {
    if (!selectedId) return;
    listRef.current?.querySelector<HTMLElement>(`[data-conversation-id="${CSS.escape(selectedId)}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selectedId, items.length]);

  if (query.isLoading) {
    return (
      <Center p="lg">
        <Loader size="sm" aria-label={t('app.loading')} />
      </Center>
    );
  }
  if (query.error) return <ErrorMessage error={query.error} onRetry={() => void query.refetch()} />;
  return (
    <div className="list-scroll" ref={listRef} onKeyDown={onKeyDown} data-testid="conversation-list" role="list">
      {items.length === 0 && (
        <Text c="dimmed" size="sm" p="md">
          {t('inbox.empty')}
        </Text>
      )}
      {items.map((c) => (
        <div role="listitem" key={c.id}>
          <Row c={c} selected={c.id === selectedId} />
        </div>
      ))}
      {query.hasNextPage && (
        <Center p="sm">
          <Button size="xs" variant="subtle" loading={query.isFetchingNextPage} onClick={() => void query.fetchNextPage()}>
            {t('inbox.loadMore')}
          </Button>
        </Center>
      )}
    </div>
  );
}
