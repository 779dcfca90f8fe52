import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, request } from './client.ts';
import type { Message, TemplateView } from './types.ts';

export function useApprovedTemplates(phoneNumberId: string) {
  return useQuery({
    queryKey: ['templates', 'approved', phoneNumberId],
    queryFn: () => api.get<{ data: TemplateView[] }>('/api/v1/templates', { status: 'APPROVED', phoneNumberId, limit: 500 }),
    select: (r) => r.data.filter((tpl) => tpl.status === 'APPROVED'),
    staleTime: 60_000,
  });
}

/** A variable as the templates API resolves it for a contact (mapping, fallbacks, send-time values). */
export interface ResolvedVariable {
  slot: 'header' | 'body' | 'button' | string;
  key: string;
  label: string;
  from: string | null;
  value: string | null;
  usedFallback: boolean;
}

export interface TemplatePreviewResult {
  preview: { header: { kind: string; text?: string } | null; body: string; footer: string | null; buttons: { type?: string; text: string }[] };
  variables: ResolvedVariable[];
  problems: { code: string; path: string; message: string }[];
  complete: boolean;
}

/** Send-time values are keyed "<slot>.<key>": body.1, header.first_name, button.0. */
export const valueKey = (v: Pick<ResolvedVariable, 'slot' | 'key'>) => `${v.slot}.${v.key}`;

export function useTemplatePreview(templateId: string | null, contactId: string, values: Record<string, string>) {
  return useQuery({
    queryKey: ['templates', 'preview', templateId, contactId, values],
    queryFn: () => api.post<TemplatePreviewResult>(`/api/v1/templates/${templateId}/preview`, { contactId, values }),
    enabled: !!templateId,
    retry: false,
    placeholderData: (prev) => prev,
  });
}

export function sendTemplate(templateId: string, body: { phoneNumberId: string; contactId: string; values: Record<string, string> }) {
  return api.post<Message>(`/api/v1/templates/${templateId}/send`, body);
}

// --- template library (docs/templates.md) ---

export interface EditorProblem {
  code: string;
  rule?: string;
  path: string;
  field?: string;
  component?: string;
  position?: number;
  metaCode?: number;
  message: string;
}

export interface TemplateSlot {
  slot: 'header' | 'body' | 'button' | string;
  key: string;
  label: string;
  kind: 'text' | 'media' | 'location' | 'code' | 'url' | string;
}

export interface PreviewButton {
  type: string;
  text: string;
  url?: string;
  phoneNumber?: string;
  code?: string;
}

/** What WhatsApp shows (core renderPreview). */
export interface BubblePreview {
  header: { kind: string; text?: string; handle?: string } | null;
  body: string;
  footer: string | null;
  buttons: PreviewButton[];
  visibleButtons?: PreviewButton[];
  seeAllOptions?: boolean;
}

export interface LibraryTemplate extends TemplateView {
  wabaId: string;
  metaId: string | null;
  quality: string | null;
  rejectionReason: string | null;
  pausedUntil: string | null;
  mapping: TemplateMappingDoc | null;
  editsCount?: number;
  lastEditedAt?: string | null;
  syncedAt?: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface HistoryEntry {
  status: string;
  at: string;
  source: 'api' | 'webhook' | 'sync' | string;
  event?: string;
  reasonCode?: string;
  reason?: string;
  recommendation?: string;
  pausedUntil?: string;
  stale?: boolean;
}

export interface TemplateDetail extends LibraryTemplate {
  history: HistoryEntry[];
  rejection?: { reason: string | null; code: string | null; recommendation: string | null } | null;
  variables: TemplateSlot[];
  problems: EditorProblem[];
  preview: BubblePreview;
  editing?: { canEdit: boolean; reason: string | null; categoryLocked: boolean; editsLeftIn30Days: number | null; nextEditAt: string | null };
}

export interface MappingEntry {
  from: string;
  value?: string;
  key?: string;
  fallback?: string;
  type?: 'text' | 'currency' | 'date_time';
  currency?: string;
}
export type TemplateMappingDoc = Partial<Record<'header' | 'body' | 'buttons', Record<string, MappingEntry>>>;

/** The mapping document groups button slots under "buttons". */
export const mappingGroup = (slot: string): 'header' | 'body' | 'buttons' => (slot === 'button' ? 'buttons' : slot === 'header' ? 'header' : 'body');

export interface ValidateResult {
  ok: boolean;
  problems: EditorProblem[];
  variables: TemplateSlot[];
  preview: BubblePreview;
}

export interface TemplateFilters {
  status: string[];
  category: string[];
  language: string[];
  phoneNumberId: string | null;
  q: string;
}

export const templateKeys = {
  all: ['templates'] as const,
  list: (f: TemplateFilters) => ['templates', 'list', f] as const,
  one: (id: string) => ['templates', 'one', id] as const,
};

export function useTemplateLibrary(f: TemplateFilters) {
  return useQuery({
    queryKey: templateKeys.list(f),
    queryFn: ({ signal }) =>
      api.get<{ data: LibraryTemplate[]; total: number }>(
        '/api/v1/templates',
        { status: f.status.join(','), category: f.category.join(','), language: f.language.join(','), phoneNumberId: f.phoneNumberId, q: f.q, limit: 500 },
        signal,
      ),
    placeholderData: (prev) => prev,
  });
}

export function useTemplate(id: string | null) {
  return useQuery({ queryKey: templateKeys.one(id ?? ''), queryFn: () => api.get<TemplateDetail>(`/api/v1/templates/${id}`), enabled: !!id });
}

export interface MappingSource {
  from: string;
  label?: string;
  type?: string;
}

export function useTemplateSources() {
  return useQuery({
    queryKey: ['templates', 'sources'],
    queryFn: () => api.get<{ contact: MappingSource[]; custom: MappingSource[]; organization: MappingSource[]; other: MappingSource[] }>('/api/v1/templates/sources'),
    staleTime: 60_000,
  });
}

export function validateTemplate(body: { template: unknown; templateId?: string; phoneNumberId?: string }, signal?: AbortSignal) {
  return request<ValidateResult>('/api/v1/templates/validate', { method: 'POST', body, ...(signal ? { signal } : {}) });
}

export interface TemplateDraftBody {
  name: string;
  language: string;
  category: string;
  parameter_format: 'positional' | 'named';
  components: unknown[];
  phoneNumberId?: string;
  submit?: boolean;
}

function useInvalidateTemplates() {
  const qc = useQueryClient();
  return () => void qc.invalidateQueries({ queryKey: templateKeys.all });
}

export function useSaveTemplate() {
  const invalidate = useInvalidateTemplates();
  return useMutation({
    mutationFn: ({ id, body }: { id: string | null; body: TemplateDraftBody }) =>
      id ? api.patch<TemplateDetail>(`/api/v1/templates/${id}`, body) : api.post<TemplateDetail>('/api/v1/templates', body),
    onSuccess: invalidate,
  });
}

export function useTemplateAction() {
  const invalidate = useInvalidateTemplates();
  return useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'submit' | 'unpause' | 'delete' | 'deleteAll' }): Promise<TemplateDetail | { deleted: string[] }> =>
      action === 'delete' || action === 'deleteAll'
        ? api.del<{ deleted: string[] }>(`/api/v1/templates/${id}${action === 'deleteAll' ? '?allLanguages=true' : ''}`)
        : api.post<TemplateDetail>(`/api/v1/templates/${id}/${action}`),
    onSuccess: invalidate,
  });
}

export function useSaveMapping(id: string) {
  const invalidate = useInvalidateTemplates();
  return useMutation({
    mutationFn: (mapping: TemplateMappingDoc | null) => api.put<TemplateDetail>(`/api/v1/templates/${id}/mapping`, { mapping }),
    onSuccess: invalidate,
  });
}

export function useSyncTemplates() {
  const invalidate = useInvalidateTemplates();
  return useMutation({
    mutationFn: () => api.post<{ data: { wabaId: string; added: number; updated: number; removed: number }[] }>('/api/v1/templates/sync', {}),
    onSuccess: invalidate,
  });
}

/** Preview with a contact's values (mapping, fallbacks), as the full server object. */
export function useContactPreview(templateId: string | null, contactId: string | null) {
  return useQuery({
    queryKey: ['templates', 'preview-full', templateId, contactId],
    queryFn: () =>
      api.post<{ preview: BubblePreview; variables: ResolvedVariable[]; problems: { code: string; path: string; message: string }[]; complete: boolean }>(
        `/api/v1/templates/${templateId}/preview`,
        contactId ? { contactId } : {},
      ),
    enabled: !!templateId,
    retry: false,
    placeholderData: (prev) => prev,
  });
}
