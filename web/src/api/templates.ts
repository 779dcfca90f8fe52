import { useQuery } from '@tanstack/react-query';
import { api } from './client.ts';
import type { TemplateComponent, TemplatePreview, TemplateView } from './types.ts';

export function useApprovedTemplates(phoneNumberId: string) {
  return useQuery({
    queryKey: ['templates', 'approved', phoneNumberId],
    queryFn: () => api.get<{ data?: TemplateView[]; items?: TemplateView[] }>('/api/v1/templates', { status: 'APPROVED', phoneNumberId }),
    select: (r) => (r.data ?? r.items ?? []).filter((tpl) => tpl.status === 'APPROVED'),
    staleTime: 60_000,
  });
}

/** The template's variables filled with the contact's values, where a mapping says how. */
export function useTemplatePreview(templateId: string | null, contactId: string) {
  return useQuery({
    queryKey: ['templates', 'preview', templateId, contactId],
    queryFn: () => api.post<TemplatePreview>(`/api/v1/templates/${templateId}/preview`, { contactId }),
    enabled: !!templateId,
    retry: false,
  });
}

export interface TemplateVariable {
  /** "body:1", "header:first_name", "button:0:1" */
  slot: string;
  component: 'header' | 'body' | 'button';
  name: string;
  buttonIndex?: number;
}

const VAR = /\{\{\s*([\w.]+)\s*\}\}/g;

/** The variables a template's text needs, in order of appearance. */
export function variablesOf(components: TemplateComponent[]): TemplateVariable[] {
  const out: TemplateVariable[] = [];
  for (const c of components) {
    const type = c.type.toLowerCase();
    if ((type === 'header' && (c.format ?? 'TEXT').toUpperCase() === 'TEXT') || type === 'body') {
      for (const m of (c.text ?? '').matchAll(VAR)) {
        const name = m[1]!;
        if (!out.some((v) => v.slot === `${type}:${name}`)) out.push({ slot: `${type}:${name}`, component: type as 'header' | 'body', name });
      }
    }
    if (type === 'buttons') {
      (c.buttons ?? []).forEach((b, i) => {
        if (b.type.toUpperCase() !== 'URL' || !b.url) return;
        for (const m of b.url.matchAll(VAR)) out.push({ slot: `button:${i}:${m[1]}`, component: 'button', name: m[1]!, buttonIndex: i });
      });
    }
  }
  return out;
}

/** The text with values put in, for the preview. */
export function fillText(text: string, component: string, values: Record<string, string>): string {
  return text.replace(VAR, (whole, name: string) => values[`${component}:${name}`] || whole);
}

/** The Cloud API `template` object for a send. */
export function templateBody(tpl: TemplateView, values: Record<string, string>) {
  const vars = variablesOf(tpl.components);
  const named = tpl.parameterFormat === 'named' || vars.some((v) => !/^\d+$/.test(v.name));
  const param = (v: TemplateVariable) => ({ type: 'text', text: values[v.slot] ?? '', ...(named && v.component !== 'button' ? { parameter_name: v.name } : {}) });
  const components: Record<string, unknown>[] = [];
  for (const part of ['header', 'body'] as const) {
    const ps = vars.filter((v) => v.component === part);
    if (ps.length) components.push({ type: part, parameters: ps.map(param) });
  }
  for (const v of vars.filter((x) => x.component === 'button')) {
    components.push({ type: 'button', sub_type: 'url', index: String(v.buttonIndex), parameters: [{ type: 'text', text: values[v.slot] ?? '' }] });
  }
  return { name: tpl.name, language: { code: tpl.language }, ...(components.length ? { components } : {}) };
}
