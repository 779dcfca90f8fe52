import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, ApiError } from './client.ts';
import type { ConversationPage, ConversationState, ConversationSummary, InboxCounts, Label, Message, QuickReply, TimelineItem, Note } from './types.ts';

export interface InboxFilters {
  view: 'mine' | 'unassigned' | 'team' | 'all';
  state: ConversationState;
  phoneNumberId?: string | undefined;
  labelId?: string | undefined;
  category?: 'new' | 'important' | 'unknown' | undefined;
  unread?: boolean | undefined;
  q?: string | undefined;
}

export const inboxKeys = {
  all: ['inbox'] as const,
  list: (f: InboxFilters) => ['inbox', 'list', f] as const,
  counts: ['inbox', 'counts'] as const,
  conversation: (id: string) => ['inbox', 'conversation', id] as const,
  timeline: (id: string) => ['inbox', 'timeline', id] as const,
};

type Raw = Record<string, unknown>;

/** The inbox API's list item and detail both become one ConversationSummary for the screens. */
export function toSummary(r: Raw): ConversationSummary {
  const contact = (r.contact ?? {}) as Raw;
  const number = (r.phoneNumber ?? null) as { id: string; displayPhoneNumber: string } | null;
  const win = (r.window ?? {}) as { expiresAt?: string | null };
  const assignee = (r.assignee ?? null) as ConversationSummary['assignee'];
  const team = (r.team ?? null) as ConversationSummary['team'];
  return {
    id: String(r.id),
    state: r.state as ConversationState,
    contactId: String(contact.id ?? r.contactId),
    contact: {
      id: String(contact.id ?? r.contactId),
      displayName: (contact.displayName as string | null) ?? null,
      phone: (contact.phone as string | null) ?? null,
      kind: String(contact.kind ?? 'unknown'),
    },
    phoneNumberId: String(number?.id ?? r.phoneNumberId),
    number,
    assigneeId: assignee?.id ?? null,
    assignee,
    teamId: team?.id ?? null,
    team,
    important: !!r.important,
    unreadCount: Number(r.unreadCount ?? 0),
    lastMessageAt: (r.lastMessageAt as string | null) ?? null,
    lastInboundAt: (r.lastInboundAt as string | null) ?? null,
    windowExpiresAt: win.expiresAt ?? (r.windowExpiresAt as string | null) ?? null,
    labels: (r.labels as Label[] | undefined) ?? [],
    lastMessage: (r.lastMessage as ConversationSummary['lastMessage']) ?? null,
  };
}

function toTimelineItem(r: Raw): TimelineItem {
  if (r.type === 'note') {
    const n = r.note as Raw;
    return { kind: 'note', id: String(n.id), conversationId: '', authorId: ((n.author as Raw | null)?.id as string) ?? null, author: n.author as Note['author'], body: String(n.body), noteKind: String(n.kind), createdAt: String(n.at) };
  }
  const m = r.message as Raw;
  const reactions = (m.reactions as { emoji: string }[] | undefined) ?? [];
  const replyTo = m.replyTo as { text: string | null; type: string | null } | null | undefined;
  return { ...(m as unknown as Message), kind: 'message', reactionEmojis: reactions.map((x) => x.emoji), replyPreview: replyTo ? (replyTo.text ?? replyTo.type ?? '') : null };
}

export function useConversations(filters: InboxFilters) {
  return useInfiniteQuery({
    queryKey: inboxKeys.list(filters),
    queryFn: async ({ pageParam, signal }): Promise<ConversationPage> => {
      const page = await api.get<{ data: Raw[]; nextCursor: string | null }>(
        '/api/v1/inbox/conversations',
        {
          view: filters.view,
          state: filters.state,
          phoneNumberId: filters.phoneNumberId,
          labelId: filters.labelId,
          category: filters.category,
          unread: filters.unread ? 'true' : undefined,
          q: filters.q,
          cursor: pageParam,
          limit: 40,
        },
        signal,
      );
      return { items: page.data.map(toSummary), nextCursor: page.nextCursor };
    },
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useInboxCounts() {
  return useQuery({ queryKey: inboxKeys.counts, queryFn: () => api.get<InboxCounts>('/api/v1/inbox/counts') });
}

export function useConversation(id: string) {
  return useQuery({
    queryKey: inboxKeys.conversation(id),
    queryFn: async () => toSummary(await api.get<Raw>(`/api/v1/inbox/conversations/${id}`)),
    retry: (n, err) => !(err instanceof ApiError && err.status < 500) && n < 2,
  });
}

export interface TimelinePage {
  items: TimelineItem[];
  nextCursor: string | null;
}

async function fetchTimeline(id: string, cursor: string | undefined, signal: AbortSignal): Promise<TimelinePage> {
  try {
    const page = await api.get<{ data: Raw[]; nextCursor: string | null }>(`/api/v1/inbox/conversations/${id}/timeline`, { cursor, limit: 50 }, signal);
    return { items: page.data.map(toTimelineItem), nextCursor: page.nextCursor };
  } catch (err) {
    // Before the inbox timeline route exists, read the plain message list (no notes).
    if (!(err instanceof ApiError && err.status === 404 && err.code === 'not_found')) throw err;
    const page = await api.get<{ items: Message[]; nextCursor: string | null }>(`/api/v1/conversations/${id}/messages`, { cursor, limit: 50 }, signal);
    return { items: page.items.map((m) => ({ ...m, kind: 'message' as const })), nextCursor: page.nextCursor };
  }
}

/** Newest first from the server; the thread reverses each page for display. */
export function useTimeline(id: string) {
  return useInfiniteQuery({
    queryKey: inboxKeys.timeline(id),
    queryFn: ({ pageParam, signal }) => fetchTimeline(id, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

function useConversationAction<TBody>(id: string, path: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TBody) => api.post<unknown>(`/api/v1/inbox/conversations/${id}/${path}`, body),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: inboxKeys.conversation(id) });
      void qc.invalidateQueries({ queryKey: inboxKeys.timeline(id) });
      void qc.invalidateQueries({ queryKey: ['inbox', 'list'] });
      void qc.invalidateQueries({ queryKey: inboxKeys.counts });
    },
  });
}

export const useSetState = (id: string) => useConversationAction<{ state: ConversationState }>(id, 'state');
export const useSetImportant = (id: string) => useConversationAction<{ important: boolean }>(id, 'important');
export const useAssign = (id: string) => useConversationAction<{ userId: string | null }>(id, 'assign');
export const useTransfer = (id: string) => useConversationAction<{ teamId: string; note?: string }>(id, 'transfer');

/** The API adds and removes one label at a time; apply the difference. */
export function useSetLabels(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ before, after }: { before: string[]; after: string[] }) => {
      for (const l of after.filter((x) => !before.includes(x))) await api.post(`/api/v1/inbox/conversations/${id}/labels`, { labelId: l });
      for (const l of before.filter((x) => !after.includes(x))) await api.del(`/api/v1/inbox/conversations/${id}/labels/${l}`);
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: inboxKeys.conversation(id) });
      void qc.invalidateQueries({ queryKey: ['inbox', 'list'] });
    },
  });
}
export const useAddNote = (id: string) => useConversationAction<{ body: string }>(id, 'notes');
export const useMarkRead = (id: string) => useConversationAction<Record<string, never>>(id, 'read');

export function useQuickReplies() {
  return useQuery({ queryKey: ['quick-replies'], queryFn: () => api.get<{ data: QuickReply[] }>('/api/v1/quick-replies'), staleTime: 60_000 });
}

export function useLabels() {
  return useQuery({ queryKey: ['labels'], queryFn: () => api.get<{ data: Label[] }>('/api/v1/labels'), staleTime: 60_000 });
}

export interface SendInput {
  phoneNumberId: string;
  contactId: string;
  type: string;
  [k: string]: unknown;
}

export function sendMessage(body: SendInput) {
  return api.post<Message>('/api/v1/messages', body);
}

export async function uploadMedia(phoneNumberId: string, file: File): Promise<{ id: string; kind: string; mimeType: string }> {
  const form = new FormData();
  // phoneNumberId must come before the file: the server reads fields seen before the file part.
  form.set('phoneNumberId', phoneNumberId);
  form.set('file', file, file.name);
  return api.post('/api/v1/media', form);
}

export type { Note };
