// "Same body+footer wording as an existing template → rejected (not checked for AUTHENTICATION)"
// (whatsapp-cloud-api.md §4.3 duplicates).

import { locateComponents } from './components.ts';
import { problem, quote } from './problems.ts';
import { asRecord, asString, get } from './read.ts';
import type { ExistingTemplate, TemplateProblem } from './types.ts';

/**
 * Wording key: body and footer, variables blanked to `{{}}` (the names are not wording), whitespace
 * collapsed, case folded. Empty when there is no body text.
 */
export function wordingKey(def: unknown): string {
  const located = locateComponents(def);
  const body = asString(get(located.BODY?.rec, 'text')) ?? '';
  if (body.trim() === '') return '';
  const footer = asString(get(located.FOOTER?.rec, 'text')) ?? '';
  const norm = (s: string): string => s.replace(/\{\{[^{}]*\}\}/g, '{{}}').replace(/\s+/gu, ' ').trim().toLowerCase();
  return `${norm(body)}\u0000${norm(footer)}`;
}

export function checkDuplicateWording(def: unknown, existing: readonly ExistingTemplate[] | undefined): TemplateProblem[] {
  if (!Array.isArray(existing) || existing.length === 0) return [];
  const rec = asRecord(def);
  const language = asString(get(rec, 'language'));
  const name = asString(get(rec, 'name'));
  const key = wordingKey(def);
  const body = locateComponents(def).BODY;
  if (key === '' || language === undefined || !body) return [];
  for (const item of existing as readonly unknown[]) {
    const other = asRecord(item);
    if (!other || asString(get(other, 'language')) !== language) continue;
    // The template being edited is in the list too; it does not duplicate itself.
    if (name !== undefined && asString(get(other, 'name')) === name) continue;
    if (wordingKey(other) !== key) continue;
    const otherName = asString(get(other, 'name')) ?? '(unnamed)';
    return [
      problem(
        'duplicate.wording',
        { path: body.path, field: 'text', component: 'BODY' },
        `Body: the body and footer have the same wording as the existing template ${quote(otherName)} (${language}). Change the wording, or edit that template instead.`,
      ),
    ];
  }
  return [];
}
