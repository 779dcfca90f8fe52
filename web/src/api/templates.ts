import { useQuery } from '@tanstack/react-query';
import { api } from './client.ts';
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
