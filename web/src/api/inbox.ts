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

export function useConversations(filters: InboxFilters) {
  return useInfiniteQuery({
    queryKey: inboxKeys.list(filters),
    queryFn: ({ pageParam, signal }) =>
      api.get<ConversationPage>(
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
      ),
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
    queryFn: () => api.get<ConversationSummary>(`/api/v1/inbox/conversations/${id}`),
    retry: (n, err) => !(err instanceof ApiError && err.status < 500) && n < 2,
  });
}

export interface TimelinePage {
  items: TimelineItem[];
  nextCursor: string | null;
}

async function fetchTimeline(id: string, cursor: string | undefined, signal: AbortSignal): Promise<TimelinePage> {
  try {
    return await api.get<TimelinePage>(`/api/v1/inbox/conversations/${id}/timeline`, { cursor, limit: 50 }, signal);
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

function useConversationAction<TBody>(id: string, path: string, method: 'POST' | 'PUT' = 'POST') {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: TBody) => (method === 'PUT' ? api.put<unknown>(`/api/v1/inbox/conversations/${id}/${path}`, body) : api.post<unknown>(`/api/v1/inbox/conversations/${id}/${path}`, body)),
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
export const useAssign = (id: string) => useConversationAction<{ userId?: string | null; teamId?: string | null; note?: string }>(id, 'assign');
export const useTransfer = (id: string) => useConversationAction<{ userId?: string | null; teamId?: string | null; note: string }>(id, 'transfer');
export const useSetLabels = (id: string) => useConversationAction<{ labelIds: string[] }>(id, 'labels', 'PUT');
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
