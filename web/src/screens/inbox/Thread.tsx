import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Button, Center, Group, Loader, Stack, Text } from '@mantine/core';
import { useQueryClient, type InfiniteData } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { ApiError } from '../../api/client.ts';
import { inboxKeys, sendMessage, useConversation, useMarkRead, useTimeline, type SendInput, type TimelinePage } from '../../api/inbox.ts';
import type { ConversationSummary, Message, Note, TimelineItem } from '../../api/types.ts';
import { useI18n } from '../../i18n/index.tsx';
import { ErrorMessage, NoAccess } from '../../components/Problems.tsx';
import { useNow } from '../../components/useNow.ts';
import { MessageBubble } from './MessageBubble.tsx';
import { Composer, type Outgoing } from './Composer.tsx';
import { TemplatePicker } from './TemplatePicker.tsx';
import { ThreadActions } from './ThreadActions.tsx';
import { ContactPanel } from './ContactPanel.tsx';
import { CopyToFieldDialog } from './CopyToFieldDialog.tsx';

interface Pending {
  tempId: string;
  out: Outgoing;
  state: 'sending' | 'error';
  error?: string;
}

function WindowBanner({ conv }: { conv: ConversationSummary }) {
  const i18n = useI18n();
  const now = useNow(1000);
  const expires = conv.windowExpiresAt ? new Date(conv.windowExpiresAt).getTime() : null;
  if (expires && expires > now) {
    const left = expires - now;
    return (
      <Text size="xs" fw={600} c={left < 3600_000 ? 'orange.8' : 'teal.8'} data-testid="window-countdown" role="timer" aria-live="off">
        ⏱ {i18n.t('thread.window.open', { time: i18n.duration(left) })}
      </Text>
    );
  }
  return (
    <Text size="xs" fw={600} c="red.8" data-testid="window-closed">
      {i18n.t(conv.windowExpiresAt ? 'thread.window.closed' : 'thread.window.none')}
    </Text>
  );
}

function NoteBubble({ n }: { n: Note }) {
  const i18n = useI18n();
  return (
    <div className="bubble bubble-note" data-testid="note" data-kind={n.noteKind}>
      <Text size="xs" fw={600} c="yellow.9">
        🔒 {n.noteKind === 'transfer' ? i18n.t('thread.transferred') : n.author?.name ? i18n.t('thread.noteBy', { name: n.author.name }) : i18n.t('thread.note')}
      </Text>
      <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
        {n.body}
      </Text>
      <div className="bubble-meta">
        <time dateTime={n.createdAt}>{i18n.time(n.createdAt)}</time>
      </div>
    </div>
  );
}

function isOpen(conv: ConversationSummary | undefined, now: number): boolean {
  return !!conv?.windowExpiresAt && new Date(conv.windowExpiresAt).getTime() > now;
}

export function Thread({ conversationId }: { conversationId: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const qc = useQueryClient();
  const conv = useConversation(conversationId);
  const timeline = useTimeline(conversationId);
  const markRead = useMarkRead(conversationId);
  const [pending, setPending] = useState<Pending[]>([]);
  const [copying, setCopying] = useState<Message | null>(null);
  const now = useNow(5000);
  const scrollRef = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);

  // Oldest first for display; reactions are attached to their target instead of shown alone.
  const items: TimelineItem[] = useMemo(() => (timeline.data?.pages.flatMap((p) => p.items) ?? []).slice().reverse(), [timeline.data]);
  const byWamid = useMemo(() => {
    const map = new Map<string, Message>();
    for (const it of items) if (it.kind === 'message' && it.wamid) map.set(it.wamid, it);
    return map;
  }, [items]);
  const reactions = useMemo(() => {
    // Per target message and side (customer / us), the latest reaction wins; an empty emoji removes it.
    const bySide = new Map<string, Map<string, string>>();
    for (const it of items) {
      if (it.kind !== 'message' || it.type !== 'reaction') continue;
      const r = (it.content.reaction ?? {}) as { message_id?: string; emoji?: string };
      if (!r.message_id) continue;
      const target = byWamid.get(r.message_id)?.id ?? r.message_id;
      const sides = bySide.get(target) ?? new Map<string, string>();
      if (r.emoji) sides.set(it.direction, r.emoji);
      else sides.delete(it.direction);
      bySide.set(target, sides);
    }
    const map = new Map<string, string[]>();
    for (const [target, sides] of bySide) map.set(target, [...sides.values()]);
    return map;
  }, [items, byWamid]);

  const unread = conv.data?.unreadCount ?? 0;
  useEffect(() => {
    if (unread > 0 && !markRead.isPending) markRead.mutate({});
  }, [unread, conversationId]);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (el && stickToBottom.current) el.scrollTop = el.scrollHeight;
  }, [items.length, pending.length]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (el) stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  };

  const send = useCallback(
    async (out: Outgoing, tempId: string = crypto.randomUUID()) => {
      const c = conv.data;
      if (!c) return;
      stickToBottom.current = true;
      setPending((p) => [...p.filter((x) => x.tempId !== tempId), { tempId, out, state: 'sending' }]);
      try {
        const body: SendInput = { phoneNumberId: c.phoneNumberId, contactId: c.contactId, ...out.body } as SendInput;
        const sent = await sendMessage(body);
        // Show the stored message at once; the live stream then moves its ticks along.
        qc.setQueryData<InfiniteData<TimelinePage>>(inboxKeys.timeline(conversationId), (old) => {
          if (!old || !sent?.id) return old;
          const [first, ...rest] = old.pages;
          if (!first || first.items.some((i) => i.id === sent.id)) return old;
          return { ...old, pages: [{ ...first, items: [{ ...sent, kind: 'message' as const }, ...first.items] }, ...rest] };
        });
        setPending((p) => p.filter((x) => x.tempId !== tempId));
        void qc.invalidateQueries({ queryKey: inboxKeys.timeline(conversationId) });
        void qc.invalidateQueries({ queryKey: ['inbox', 'list'] });
      } catch (err) {
        const message = err instanceof ApiError ? (err.code === 'network_error' ? t('app.networkError') : err.message) : t('app.error');
        setPending((p) => p.map((x) => (x.tempId === tempId ? { ...x, state: 'error', error: message } : x)));
      }
    },
    [conv.data, conversationId, qc, t],
  );

  const onTemplateSent = useCallback(
    (sent: Message) => {
      stickToBottom.current = true;
      qc.setQueryData<InfiniteData<TimelinePage>>(inboxKeys.timeline(conversationId), (old) => {
        if (!old || !sent?.id) return old;
        const [first, ...rest] = old.pages;
        if (!first || first.items.some((i) => i.id === sent.id)) return old;
        return { ...old, pages: [{ ...first, items: [{ ...sent, kind: 'message' as const }, ...first.items] }, ...rest] };
      });
      void qc.invalidateQueries({ queryKey: inboxKeys.timeline(conversationId) });
    },
    [conversationId, qc],
  );

  const retryFailed = useCallback(
    (m: Message) => {
      const c = m.content;
      const body: Record<string, unknown> = { type: m.type };
      if (c[m.type] !== undefined) body[m.type] = c[m.type];
      void send({ body: body as Outgoing['body'], preview: '' });
    },
    [send],
  );

  if (conv.error instanceof ApiError && conv.error.status === 403) return <NoAccess message={t('noAccess.conversation')} />;
  if (conv.error) return <ErrorMessage error={conv.error} onRetry={() => void conv.refetch()} />;
  if (conv.isLoading || !conv.data) {
    return (
      <Center className="thread">
        <Loader aria-label={t('app.loading')} />
      </Center>
    );
  }
  const c = conv.data;
  const windowOpen = isOpen(c, now);
  return (
    <>
      <section className="thread" aria-label={t('thread.messages')} data-testid="thread">
        <Group justify="space-between" p="xs" wrap="nowrap" style={{ borderBottom: '1px solid var(--mantine-color-gray-3)' }}>
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Text fw={700} truncate>
              {c.important && '★ '}
              {c.contact ? (
                <Link to="/contacts/$contactId" params={{ contactId: c.contactId }}>
                  {c.contact.displayName ?? c.contact.phone}
                </Link>
              ) : (
                '—'
              )}
            </Text>
            <Group gap={6}>
              <Text size="xs" c="dimmed">
                {c.contact?.phone} {c.number ? `→ ${c.number.displayPhoneNumber}` : ''}
              </Text>
              <WindowBanner conv={c} />
            </Group>
          </Stack>
          <ThreadActions conv={c} />
        </Group>
        <div className="thread-scroll" ref={scrollRef} onScroll={onScroll} data-testid="thread-messages" aria-live="polite">
          {timeline.hasNextPage && (
            <Center>
              <Button size="compact-xs" variant="white" onClick={() => void timeline.fetchNextPage()} loading={timeline.isFetchingNextPage}>
                {t('thread.olderMessages')}
              </Button>
            </Center>
          )}
          {timeline.error && <ErrorMessage error={timeline.error} onRetry={() => void timeline.refetch()} />}
          {timeline.isLoading && (
            <Center p="md">
              <Loader size="sm" />
            </Center>
          )}
          {!timeline.isLoading && items.length === 0 && pending.length === 0 && (
            <Text c="dimmed" ta="center" size="sm">
              {t('thread.noMessages')}
            </Text>
          )}
          {items.map((it) => {
            if (it.kind === 'note') return <NoteBubble key={`n-${it.id}`} n={it} />;
            if (it.type === 'reaction' && byWamid.has(String((it.content.reaction as { message_id?: string } | undefined)?.message_id))) return null;
            return (
              <MessageBubble
                key={it.id}
                m={it}
                quoted={it.contextWamid ? byWamid.get(it.contextWamid) : null}
                quotedText={it.replyPreview}
                reactions={it.reactionEmojis ?? reactions.get(it.id)}
                onRetry={it.direction === 'out' ? retryFailed : undefined}
                onCopyToField={setCopying}
              />
            );
          })}
          {pending.map((p) => (
            <div key={p.tempId} className={`bubble bubble-out ${p.state === 'error' ? 'bubble-failed' : ''}`} data-testid="pending-message" data-state={p.state}>
              <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
                {p.out.preview}
              </Text>
              <div className="bubble-meta">{p.state === 'sending' ? t('status.sending') : null}</div>
              {p.state === 'error' && (
                <Group gap="xs" mt={4} wrap="nowrap">
                  <Text size="xs" c="red.8" role="alert">
                    {t('composer.sendFailed', { reason: p.error ?? '' })}
                  </Text>
                  <Button size="compact-xs" color="red" variant="light" onClick={() => void send(p.out, p.tempId)}>
                    {t('status.retry')}
                  </Button>
                  <Button size="compact-xs" variant="subtle" color="gray" onClick={() => setPending((l) => l.filter((x) => x.tempId !== p.tempId))}>
                    {t('app.cancel')}
                  </Button>
                </Group>
              )}
            </div>
          ))}
        </div>
        {windowOpen ? (
          <Composer conversation={c} onSend={(out) => void send(out)} />
        ) : (
          <TemplatePicker conversation={c} onSent={onTemplateSent} />
        )}
      </section>
      <aside className="contact-panel" aria-label={t('contact.title')}>
        <ContactPanel contactId={c.contactId} />
      </aside>
      {copying && <CopyToFieldDialog contactId={c.contactId} message={copying} onClose={() => setCopying(null)} />}
    </>
  );
}
