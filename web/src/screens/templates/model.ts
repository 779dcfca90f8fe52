// The editor's state and its translation to and from Meta's template shape (docs/templates.md).
import type { EditorProblem, LibraryTemplate } from '../../api/templates.ts';
import { en, type MessageKey } from '../../i18n/en.ts';

export const CATEGORIES = ['MARKETING', 'UTILITY', 'AUTHENTICATION'] as const;
export const STATUSES = ['DRAFT', 'PENDING', 'APPROVED', 'REJECTED', 'PAUSED', 'DISABLED'] as const;
export const HEADER_FORMATS = ['NONE', 'TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION'] as const;
export const BUTTON_TYPES = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP'] as const;
/** The languages Charla's customers use most; any Meta code can be typed. */
export const COMMON_LANGUAGES = ['es', 'es_ES', 'es_MX', 'es_AR', 'en', 'en_US', 'en_GB', 'pt_BR', 'ca', 'fr', 'it', 'de'];

export type ButtonType = (typeof BUTTON_TYPES)[number];
export type HeaderFormat = (typeof HEADER_FORMATS)[number];

export interface ButtonState {
  type: ButtonType;
  text: string;
  url: string;
  urlExample: string;
  phone: string;
  code: string;
  otpType: 'COPY_CODE' | 'ONE_TAP' | 'ZERO_TAP';
}

export interface EditorState {
  name: string;
  language: string;
  category: string;
  parameterFormat: 'positional' | 'named';
  headerFormat: HeaderFormat;
  headerText: string;
  headerHandle: string;
  body: string;
  footer: string;
  /** Example values by "header.<key>" / "body.<key>". */
  examples: Record<string, string>;
  buttons: ButtonState[];
  securityRecommendation: boolean;
}

export const emptyState = (): EditorState => ({
  name: '',
  language: 'es',
  category: 'UTILITY',
  parameterFormat: 'positional',
  headerFormat: 'NONE',
  headerText: '',
  headerHandle: '',
  body: '',
  footer: '',
  examples: {},
  buttons: [],
  securityRecommendation: true,
});

export const newButton = (type: ButtonType): ButtonState => ({ type, text: '', url: 'https://', urlExample: '', phone: '', code: '', otpType: 'COPY_CODE' });

/** Variable keys in order of first appearance ({{1}}, {{first_name}}). */
export function variableKeys(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) {
    const k = m[1] ?? '';
    if (k && !out.includes(k)) out.push(k);
  }
  return out;
}

const byNumber = (a: string, b: string) => (Number(a) || 0) - (Number(b) || 0);

export interface BuiltTemplate {
  definition: { name: string; language: string; category: string; parameter_format: 'positional' | 'named'; components: Record<string, unknown>[] };
  /** Which editor section each component index is. */
  sections: string[];
}

export function buildTemplate(s: EditorState): BuiltTemplate {
  const components: Record<string, unknown>[] = [];
  const sections: string[] = [];
  const named = s.parameterFormat === 'named';
  const ex = (slot: string, k: string) => s.examples[`${slot}.${k}`] ?? '';
  if (s.headerFormat === 'TEXT') {
    const keys = variableKeys(s.headerText);
    const c: Record<string, unknown> = { type: 'HEADER', format: 'TEXT', text: s.headerText };
    if (keys.length) c.example = named ? { header_text_named_params: keys.map((k) => ({ param_name: k, example: ex('header', k) })) } : { header_text: [...keys].sort(byNumber).map((k) => ex('header', k)) };
    components.push(c);
    sections.push('header');
  } else if (s.headerFormat === 'LOCATION') {
    components.push({ type: 'HEADER', format: 'LOCATION' });
    sections.push('header');
  } else if (s.headerFormat !== 'NONE') {
    components.push({ type: 'HEADER', format: s.headerFormat, ...(s.headerHandle.trim() ? { example: { header_handle: [s.headerHandle.trim()] } } : {}) });
    sections.push('header');
  }
  const body: Record<string, unknown> = { type: 'BODY' };
  const auth = s.category === 'AUTHENTICATION';
  if (!auth || s.body !== '') body.text = s.body;
  if (auth) body.add_security_recommendation = s.securityRecommendation;
  const keys = variableKeys(s.body);
  if (keys.length) body.example = named ? { body_text_named_params: keys.map((k) => ({ param_name: k, example: ex('body', k) })) } : { body_text: [[...keys].sort(byNumber).map((k) => ex('body', k))] };
  components.push(body);
  sections.push('body');
  if (s.footer !== '') {
    components.push({ type: 'FOOTER', text: s.footer });
    sections.push('footer');
  }
  if (s.buttons.length) {
    components.push({
      type: 'BUTTONS',
      buttons: s.buttons.map((b) => {
        switch (b.type) {
          case 'QUICK_REPLY':
            return { type: 'QUICK_REPLY', text: b.text };
          case 'URL':
            return { type: 'URL', text: b.text, url: b.url, ...(/\{\{[^{}]*\}\}/.test(b.url) ? { example: [b.urlExample] } : {}) };
          case 'PHONE_NUMBER':
            return { type: 'PHONE_NUMBER', text: b.text, phone_number: b.phone };
          case 'COPY_CODE':
            return { type: 'COPY_CODE', example: b.code };
          case 'OTP':
            return { type: 'OTP', otp_type: b.otpType, ...(b.text ? { text: b.text } : {}) };
        }
      }),
    });
    sections.push('buttons');
  }
  return { definition: { name: s.name, language: s.language, category: s.category, parameter_format: s.parameterFormat, components }, sections };
}

const rec = (v: unknown): Record<string, unknown> => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A stored template back into the editor (unknown parts are left out). */
export function stateFromTemplate(t: LibraryTemplate): EditorState {
  const s = emptyState();
  s.name = t.name;
  s.language = t.language;
  s.category = t.category;
  s.parameterFormat = t.parameterFormat === 'named' ? 'named' : 'positional';
  for (const raw of t.components ?? []) {
    const c = rec(raw);
    const type = str(c.type).toUpperCase();
    const example = rec(c.example);
    if (type === 'HEADER') {
      const f = str(c.format).toUpperCase() as HeaderFormat;
      s.headerFormat = (HEADER_FORMATS as readonly string[]).includes(f) ? f : 'TEXT';
      s.headerText = str(c.text);
      s.headerHandle = str((example.header_handle as unknown[] | undefined)?.[0]);
      const keys = variableKeys(s.headerText).sort(s.parameterFormat === 'named' ? undefined : byNumber);
      const pos = (example.header_text as unknown[] | undefined) ?? [];
      keys.forEach((k, i) => (s.examples[`header.${k}`] = str(pos[i])));
      for (const p of (example.header_text_named_params as unknown[] | undefined) ?? []) s.examples[`header.${str(rec(p).param_name)}`] = str(rec(p).example);
    } else if (type === 'BODY') {
      s.body = str(c.text);
      if (typeof c.add_security_recommendation === 'boolean') s.securityRecommendation = c.add_security_recommendation;
      const keys = variableKeys(s.body).sort(byNumber);
      const pos = ((example.body_text as unknown[][] | undefined) ?? [])[0] ?? [];
      if (s.parameterFormat === 'positional') keys.forEach((k, i) => (s.examples[`body.${k}`] = str(pos[i])));
      for (const p of (example.body_text_named_params as unknown[] | undefined) ?? []) s.examples[`body.${str(rec(p).param_name)}`] = str(rec(p).example);
    } else if (type === 'FOOTER') {
      s.footer = str(c.text);
    } else if (type === 'BUTTONS') {
      for (const rb of (c.buttons as unknown[] | undefined) ?? []) {
        const b = rec(rb);
        const bt = str(b.type).toUpperCase() as ButtonType;
        if (!(BUTTON_TYPES as readonly string[]).includes(bt)) continue;
        const nb = newButton(bt);
        nb.text = str(b.text);
        nb.url = str(b.url);
        nb.urlExample = str((b.example as unknown[] | undefined)?.[0]);
        nb.phone = str(b.phone_number);
        nb.code = typeof b.example === 'string' ? b.example : str((b.example as unknown[] | undefined)?.[0]);
        const otp = str(b.otp_type).toUpperCase();
        if (otp === 'ONE_TAP' || otp === 'ZERO_TAP') nb.otpType = otp;
        s.buttons.push(nb);
      }
    }
  }
  return s;
}

/** Where a problem belongs in the editor: "name", "header", "body", "footer", "button.2", or "general". */
export function problemTarget(p: EditorProblem, sections: string[]): string {
  const m = /^components\[(\d+)\](?:\.buttons\[(\d+)\])?/.exec(p.path);
  if (m) {
    const section = sections[Number(m[1])];
    if (section === 'buttons' && m[2] !== undefined) return `button.${m[2]}`;
    return section ?? 'general';
  }
  const head = p.path.split(/[.[]/)[0] ?? '';
  if (['name', 'language', 'category', 'parameter_format'].includes(head)) return head;
  return 'general';
}

/** Positions to highlight in one text field of one target. */
export function positionsFor(problems: EditorProblem[], sections: string[], target: string, field: string): number[] {
  return problems.filter((p) => typeof p.position === 'number' && (p.field ?? 'text') === field && problemTarget(p, sections) === target).map((p) => p.position!);
}

/** Fill {{key}} in a text with values, else the examples. */
export function fillText(text: string, slot: string, values: Record<string, string | null | undefined>, examples: Record<string, string>): string {
  return text.replace(/\{\{\s*([^{}]*?)\s*\}\}/g, (m, k: string) => values[`${slot}.${k}`] || examples[`${slot}.${k}`] || m);
}

/** A dynamic dictionary key (a status, an event) that may be one the app does not know yet. */
export function labelOf(t: (key: MessageKey) => string, key: string, fallback: string): string {
  return key in en ? t(key as MessageKey) : fallback;
}
