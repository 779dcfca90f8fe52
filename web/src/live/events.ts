import { useEffect, useState } from 'react';
import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { inboxKeys } from '../api/inbox.ts';
import { templateKeys } from '../api/templates.ts';

export type LiveState = 'connecting' | 'open' | 'closed';

// Event names the inbox stream may use; anything carrying a conversationId refreshes that thread.
const EVENT_NAMES = [
  'message',
  'message.created',
  'message.received',
  'message.sent',
  'message.status',
  'message.updated',
  'conversation.created',
  'conversation.updated',
  'conversation.assigned',
  'conversation.state',
  'note.created',
  'template.updated',
  'inbox.updated',
  'counts',
  'reset',
];

interface LiveEvent {
  conversationId?: string;
  conversation?: { id?: string };
  message?: { conversationId?: string };
  contactId?: string;
  /** A template's review changed (approved, rejected, paused…). */
  templateId?: string;
}

/** Batches invalidations: a burst of status webhooks becomes one refetch per query. */
function makeRefresher(qc: QueryClient) {
  const threads = new Set<string>();
  const contacts = new Set<string>();
  let templates = false;
  let timer: number | undefined;
  const flush = () => {
    timer = undefined;
    if (templates) void qc.invalidateQueries({ queryKey: templateKeys.all });
    templates = false;
    void qc.invalidateQueries({ queryKey: ['inbox', 'list'] });
    void qc.invalidateQueries({ queryKey: inboxKeys.counts });
    for (const id of threads) {
      void qc.invalidateQueries({ queryKey: inboxKeys.timeline(id) });
      void qc.invalidateQueries({ queryKey: inboxKeys.conversation(id) });
    }
    for (const id of contacts) void qc.invalidateQueries({ queryKey: ['contact', id] });
    threads.clear();
    contacts.clear();
  };
  return (data: LiveEvent | null) => {
    const conv = data?.conversationId ?? data?.conversation?.id ?? data?.message?.conversationId;
    if (conv) threads.add(conv);
    if (data?.contactId) contacts.add(data.contactId);
    if (data?.templateId) templates = true;
    timer ??= window.setTimeout(flush, 120);
  };
}

/**
 * One EventSource per tab on /api/v1/events. The browser reconnects by itself (sending
 * Last-Event-ID); when the server refuses outright (readyState CLOSED) we reopen with backoff.
 */
export function useLiveEvents(enabled: boolean): LiveState {
  const qc = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') return;
    const refresh = makeRefresher(qc);
    let source: EventSource | null = null;
    let retry: number | undefined;
    let delay = 1000;
    let stopped = false;
    const handle = (e: MessageEvent<string>) => {
      let data: LiveEvent | null;
      try {
        data = JSON.parse(e.data) as LiveEvent;
      } catch {
        data = null;
      }
      refresh(data);
    };
    const open = () => {
      if (stopped) return;
      setState('connecting');
      source = new EventSource('/api/v1/events', { withCredentials: true });
      source.onopen = () => {
        delay = 1000;
        setState('open');
        // Anything missed while disconnected beyond the server's replay buffer is refetched.
        refresh(null);
      };
      source.onmessage = handle;
      for (const name of EVENT_NAMES) source.addEventListener(name, handle as EventListener);
      source.onerror = () => {
        if (!source || source.readyState === EventSource.CLOSED) {
          setState('closed');
          source?.close();
          retry = window.setTimeout(open, delay);
          delay = Math.min(delay * 2, 30_000);
        } else {
          setState('connecting');
        }
      };
    };
    open();
    return () => {
      stopped = true;
      if (retry) window.clearTimeout(retry);
      source?.close();
    };
  }, [enabled, qc]);
  return state;
}
