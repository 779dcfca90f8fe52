import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from './client.ts';
import type { ContactDetail, ContactView, Message, SegmentPreview } from './types.ts';

export const contactKeys = {
  one: (id: string) => ['contact', id] as const,
  list: (q: string, segment: string, sort: ContactSort) => ['contacts', q, segment, sort] as const,
};

export function useContact(id: string) {
  return useQuery({ queryKey: contactKeys.one(id), queryFn: () => api.get<ContactDetail>(`/api/v1/contacts/${id}`) });
}

export interface ConsentRecord {
  id: string;
  category: string;
  state: string;
  source: string;
  evidence: string | null;
  recordedBy: string | null;
  at: string;
}

export function useConsents(id: string) {
  return useQuery({
    queryKey: [...contactKeys.one(id), 'consents'],
    queryFn: () => api.get<{ current: Record<string, string>; history: ConsentRecord[] }>(`/api/v1/contacts/${id}/consents`),
  });
}

export function useContactHistory(id: string) {
  return useInfiniteQuery({
    queryKey: [...contactKeys.one(id), 'messages'],
    queryFn: ({ pageParam }) => api.get<{ items?: Message[]; data?: Message[]; nextCursor: string | null }>(`/api/v1/contacts/${id}/messages`, { cursor: pageParam, limit: 50 }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

/** The orders GET /api/v1/contacts offers ("-" first: descending). */
export const CONTACT_SORTS = ['-created', 'created', 'name', '-name', '-last_inbound'] as const;
export type ContactSort = (typeof CONTACT_SORTS)[number];

export function useContacts(q: string, segment: string, sort: ContactSort = '-created') {
  return useInfiniteQuery({
    queryKey: contactKeys.list(q, segment, sort),
    queryFn: ({ pageParam, signal }) => api.get<{ data: ContactView[]; nextCursor: string | null }>('/api/v1/contacts', { q, segment, sort, cursor: pageParam, limit: 50 }, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}

export function useSegmentPreview(filter: string) {
  return useQuery({
    queryKey: ['segment-preview', filter],
    queryFn: () => api.post<SegmentPreview>('/api/v1/segments/preview', { filter }),
    enabled: filter.trim().length > 0,
    retry: false,
    placeholderData: (prev) => prev,
  });
}

export type ContactPatch = Partial<Pick<ContactView, 'name' | 'email' | 'kind' | 'organizationId' | 'preferredLanguage' | 'tags'>> & { fields?: Record<string, unknown>; phone?: string; defaultCountry?: string };

export function useUpdateContact(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (patch: ContactPatch) => api.patch<ContactView>(`/api/v1/contacts/${id}`, patch),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: contactKeys.one(id) });
      void qc.invalidateQueries({ queryKey: ['contacts'] });
      void qc.invalidateQueries({ queryKey: ['inbox'] });
    },
  });
}

export function useCreateContact() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: ContactPatch) => api.post<ContactView>('/api/v1/contacts', body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['contacts'] }),
  });
}

export function useRecordConsent(id: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { category: string; state: string; source: 'agent'; evidence: string }) => api.post<unknown>(`/api/v1/contacts/${id}/consents`, body),
    onSuccess: () => void qc.invalidateQueries({ queryKey: contactKeys.one(id) }),
  });
}

export interface SavedSegment {
  id: string;
  name: string;
  filter: string;
  createdAt: string;
  updatedAt: string;
}

export function useSegments() {
  return useQuery({ queryKey: ['segments'], queryFn: () => api.get<{ data: SavedSegment[] }>('/api/v1/segments'), staleTime: 60_000 });
}

/** A saved segment's live count: asked again every minute, and after segments are saved or contacts merged. */
export function useSegmentCount(id: string) {
  return useQuery({
    queryKey: ['segments', id, 'count'],
    queryFn: () => api.get<{ count: number; at: string }>(`/api/v1/segments/${id}/count`),
    refetchInterval: 60_000,
  });
}

export function useSaveSegment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { id?: string; name: string; filter: string }) =>
      body.id ? api.patch<SavedSegment>(`/api/v1/segments/${body.id}`, { name: body.name, filter: body.filter }) : api.post<SavedSegment>('/api/v1/segments', { name: body.name, filter: body.filter }),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['segments'] }),
  });
}

export function useDeleteSegment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => api.del<unknown>(`/api/v1/segments/${id}`),
    onSuccess: () => void qc.invalidateQueries({ queryKey: ['segments'] }),
  });
}

export interface DuplicateContact {
  id: string;
  displayName: string | null;
  phone: string | null;
  email: string | null;
  kind: string;
  createdAt: string;
  messages: number;
  lastMessageAt: string | null;
}

export interface DuplicateGroup {
  reason: 'same e-mail' | 'same phone number';
  key: string;
  contactIds: string[];
  contacts: DuplicateContact[];
}

export function useDuplicates() {
  return useQuery({ queryKey: ['contacts', 'duplicates'], queryFn: () => api.get<{ data: DuplicateGroup[] }>('/api/v1/contacts/duplicates') });
}

/** Merge every other record of a group into the one kept, one at a time (each merge is its own transaction). */
export function useMergeContacts() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: async ({ keepId, otherIds }: { keepId: string; otherIds: string[] }) => {
      for (const otherId of otherIds) await api.post<ContactView>(`/api/v1/contacts/${keepId}/merge`, { otherId });
    },
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ['contacts'] });
      void qc.invalidateQueries({ queryKey: ['contact'] });
      void qc.invalidateQueries({ queryKey: ['segments'] });
    },
  });
}

/**
 * "Copy this message into field X": the server takes the message's text and checks it as that custom field's type,
 * or sets the contact's name, or its e-mail (the one address the text carries).
 */
export function useCopyMessageToField(contactId: string) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: { messageId: string } & ({ field: string } | { contactField: 'name' | 'email' })) =>
      api.post<ContactView>(`/api/v1/contacts/${contactId}/fields/from-message`, body),
    onSuccess: () => {
      void qc.invalidateQueries({ queryKey: contactKeys.one(contactId) });
      void qc.invalidateQueries({ queryKey: ['contacts'] });
    },
  });
}

/** A short list of contacts matching a name, number or e-mail, for pickers. */
export function useContactSearch(q: string) {
  return useQuery({
    queryKey: ['contacts', 'search', q],
    queryFn: ({ signal }) => api.get<{ data: ContactView[] }>('/api/v1/contacts', { q, limit: 10 }, signal),
    enabled: q.trim().length >= 2,
    placeholderData: (prev) => prev,
  });
}
