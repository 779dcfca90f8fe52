// Variable mapping: how each variable of a stored template is filled for one recipient, and the Cloud API
// template object that results (spec §1.5). Pure: the contact's facts and send-time values come in.
// Values from people's records are sanitised (whitespace collapsed, over-long text shortened) instead of
// failing, and an empty value falls back to the mapping's fallback, so a contact without a first name
// never produces a send Meta would reject (132000/132012/132018). The result is checked again with the
// core send-time rules (core/template-params.ts) before anyone queues it.
import { templateVariables } from '../core/templates/index.ts';
import type { PreviewValues } from '../core/templates/index.ts';
import { withImplicitAuthBody, checkTemplateParams, TEMPLATE_PARAM_LIMITS, type TemplateDefinition as ParamsDefinition } from '../core/template-params.ts';

/** Where a contact value comes from. `field.<key>` and `org.field.<key>` name custom fields. */
export const CONTACT_SOURCES = [
  'contact.first_name',
  'contact.last_name',
  'contact.name',
  'contact.profile_name',
  'contact.display_name',
  'contact.phone',
  'contact.wa_id',
  'contact.email',
  'contact.username',
  'contact.country',
] as const;
export const ORGANIZATION_SOURCES = ['org.name', 'org.domain'] as const;

export type ParamType = 'text' | 'currency' | 'date_time';

export interface VariableMapping {
  /**
   * `contact.<field>` (see CONTACT_SOURCES), `field.<key>` (contact custom field), `org.name`, `org.domain`,
   * `org.field.<key>`, `fixed` (uses `value`) or `send` (a value given at send time / a campaign column).
   */
  from: string;
  /** `fixed`: the value itself. */
  value?: string;
  /** `send`: the name of the send-time value; defaults to the variable's key. */
  key?: string;
  /** Used when the source is empty for a recipient (e.g. "cliente" for a missing first name). */
  fallback?: string;
  /** Body variables only: send as a currency or date_time parameter (default text). */
  type?: ParamType;
  /** `type: currency`: the ISO 4217 code (e.g. EUR, MXN). */
  currency?: string;
}

/**
 * Stored in templates.mapping. Keys are the variables' keys (`"1"`, `"first_name"`); buttons by index
 * (`"0"`); a media header under `header.media`, a location header under `header.location`.
 */
export interface TemplateMapping {
  header?: Record<string, VariableMapping>;
  body?: Record<string, VariableMapping>;
  buttons?: Record<string, VariableMapping>;
}

export interface ContactFacts {
  name?: string | null;
  profileName?: string | null;
  phone?: string | null;
  waId?: string | null;
  email?: string | null;
  username?: string | null;
  country?: string | null;
  timeZone?: string | null;
  fields?: Record<string, unknown> | null;
  organization?: { name?: string | null; domain?: string | null; fields?: Record<string, unknown> | null } | null;
}

/**
 * Values given at send time: by the send-time key (`"order_no"`, or a variable key for unmapped body
 * variables), or addressed exactly as `"body.1"`, `"header.1"`, `"button.0"`, `"header.media"`, which
 * override any mapping. Strings, numbers, or Cloud API objects (currency, date_time, location, media).
 */
export type SendTimeValues = Readonly<Record<string, unknown>>;

/** The template as stored: Meta's definition shape. */
export interface MappingTemplate {
  name: string;
  language: string;
  category: string;
  parameter_format?: string | null;
  components: unknown;
}

export type Slot = 'header' | 'body' | 'button';

export interface ResolvedVariable {
  slot: Slot;
  /** Variable key (`"1"`, `"first_name"`), `media`/`location` for headers, the button index for buttons. */
  key: string;
  /** "Body {{1}}", "Header image", "Button 2 (URL)". */
  label: string;
  /** The source used: `contact.first_name`, `send:order_no`, `fixed`, `fallback`, `values.body.1`, or null when nothing. */
  from: string | null;
  /** The text as WhatsApp shows it; null when missing. */
  value: string | null;
  usedFallback: boolean;
  /** What sanitising changed: `whitespace`, `truncated`, `url_encoded`. */
  adjusted: string[];
}

export interface MappingProblem {
  /** `value_missing`, `value_invalid`, `mapping_invalid`, or a core template-params code prefixed `param.`. */
  code: string;
  /** `body.1`, `header.media`, `button.0`, or the send-body path for `param.*` problems. */
  path: string;
  message: string;
  /** The Cloud API error the same mistake would get (param problems). */
  metaCode?: number;
}

export interface TemplateSend {
  /** The send body for enqueueMessage: `{ type: 'template', template: { name, language, components } }`. */
  body: { type: 'template'; template: Record<string, unknown> };
  /** Display values per slot, for core renderPreview. */
  preview: PreviewValues;
  variables: ResolvedVariable[];
  problems: MappingProblem[];
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

// The implicit AUTHENTICATION body is a Meta rule: it lives in core and is re-exported for this module's callers.
export { withImplicitAuthBody };

function componentsOf(t: MappingTemplate): Rec[] {
  return Array.isArray(t.components) ? t.components.filter(isRec) : [];
}

function component(t: MappingTemplate, type: string): Rec | undefined {
  return componentsOf(t).find((c) => str(c.type)?.toUpperCase() === type);
}

/** Collapse line breaks, tabs and runs of spaces (Meta rejects them in parameters) and trim. */
export function sanitiseText(value: string): { text: string; changed: boolean } {
  const text = value.replace(/\s+/gu, ' ').trim();
  return { text, changed: text !== value.trim() };
}

/** Shorten to `max` characters (code points), ending in "…". */
export function truncate(value: string, max: number): string {
  const chars = [...value];
  return chars.length <= max ? value : `${chars.slice(0, max - 1).join('').trimEnd()}…`;
}

/** Percent-encode what may not stand in a URL, keeping what already does (an encoded value stays as is). */
export function encodeUrlPart(value: string): string {
  return value.replace(/[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]/gu, (c) => encodeURIComponent(c));
}

function firstName(name: string | null | undefined): string | undefined {
  const n = name?.trim();
  if (!n) return undefined;
  return n.split(/\s+/u)[0];
}

function lastName(name: string | null | undefined): string | undefined {
  const parts = name?.trim().split(/\s+/u) ?? [];
  return parts.length > 1 ? parts.slice(1).join(' ') : undefined;
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) {
    const parts = v.map(scalarText).filter((s): s is string => s !== undefined && s.trim() !== '');
    return parts.length ? parts.join(', ') : undefined;
  }
  return undefined;
}

/** The raw value of a source for a contact; undefined when the source is empty or unknown. */
export function sourceValue(from: string, contact: ContactFacts | null | undefined): unknown {
  const c = contact ?? {};
  switch (from) {
    case 'contact.first_name':
      return firstName(c.name) ?? firstName(c.profileName);
    case 'contact.last_name':
      return c.name ? lastName(c.name) : lastName(c.profileName);
    case 'contact.name':
      return c.name ?? undefined;
    case 'contact.profile_name':
      return c.profileName ?? undefined;
    case 'contact.display_name':
      return c.name || c.profileName || undefined;
    case 'contact.phone':
      return c.phone ?? (c.waId ? `+${c.waId}` : undefined);
    case 'contact.wa_id':
      return c.waId ?? undefined;
    case 'contact.email':
      return c.email ?? undefined;
    case 'contact.username':
      return c.username ?? undefined;
    case 'contact.country':
      return c.country ?? undefined;
    case 'org.name':
      return c.organization?.name ?? undefined;
    case 'org.domain':
      return c.organization?.domain ?? undefined;
  }
  if (from.startsWith('org.field.')) return c.organization?.fields?.[from.slice('org.field.'.length)];
  if (from.startsWith('field.')) return c.fields?.[from.slice('field.'.length)];
  return undefined;
}

/** Whether `from` names a source this module knows (custom field keys are not checked here). */
export function isKnownSource(from: string): boolean {
  return (
    (CONTACT_SOURCES as readonly string[]).includes(from) ||
    (ORGANIZATION_SOURCES as readonly string[]).includes(from) ||
    /^field\.[a-z0-9_]+$/i.test(from) ||
    /^org\.field\.[a-z0-9_]+$/i.test(from) ||
    from === 'fixed' ||
    from === 'send'
  );
}

function localeOf(language: string): string {
  const l = language.replace('_', '-');
  try {
    return Intl.getCanonicalLocales(l)[0] ?? 'en';
  } catch {
    return 'en';
  }
}

function asNumber(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '') {
    // Accept "10.50" and "10,50" (Spanish decimal comma) but not thousands separators mixed in.
    const s = v.trim().replace(/\s/g, '');
    const n = Number(/^-?\d+,\d{1,3}$/.test(s) ? s.replace(',', '.') : s);
    if (Number.isFinite(n)) return n;
  }
  return undefined;
}

interface Ctx {
  template: MappingTemplate;
  mapping: TemplateMapping;
  contact: ContactFacts | null | undefined;
  values: SendTimeValues;
  named: boolean;
  locale: string;
  problems: MappingProblem[];
  variables: ResolvedVariable[];
}

interface Raw {
  value: unknown;
  from: string | null;
  usedFallback: boolean;
  /** True when the value came from a record (contact/org/custom field): shortened instead of refused when too long. */
  fromRecord: boolean;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (typeof v === 'string') return v.trim() === '';
  if (Array.isArray(v)) return v.length === 0;
  return false;
}

/** Finds the raw value of one slot: explicit value, then mapping, then the bare send-time key, then the fallback. */
function rawValue(ctx: Ctx, slot: Slot, key: string, bareKeys: string[]): Raw {
  const group = slot === 'button' ? ctx.mapping.buttons : ctx.mapping[slot];
  const m = group?.[key];
  const explicit = ctx.values[`${slot}.${key}`];
  if (!isEmpty(explicit)) return { value: explicit, from: `values.${slot}.${key}`, usedFallback: false, fromRecord: false };
  let value: unknown;
  let from: string | null = null;
  let fromRecord = false;
  if (m) {
    if (m.from === 'fixed') {
      value = m.value;
      from = 'fixed';
    } else if (m.from === 'send') {
      const k = m.key ?? key;
      value = ctx.values[k];
      from = `send:${k}`;
    } else {
      value = sourceValue(m.from, ctx.contact);
      from = m.from;
      fromRecord = true;
    }
  } else {
    for (const k of bareKeys) {
      if (!isEmpty(ctx.values[k])) {
        value = ctx.values[k];
        from = `send:${k}`;
        break;
      }
    }
  }
  if (!isEmpty(value)) return { value, from, usedFallback: false, fromRecord };
  const fallback = m?.fallback;
  if (fallback !== undefined && fallback.trim() !== '') return { value: fallback, from: 'fallback', usedFallback: true, fromRecord: true };
  return { value: undefined, from, usedFallback: false, fromRecord };
}

function describeMissing(ctx: Ctx, slot: Slot, key: string, label: string, from: string | null): string {
  const group = slot === 'button' ? ctx.mapping.buttons : ctx.mapping[slot];
  const m = group?.[key];
  if (!m) {
    return `${label} has no mapping and no value was given. Map it to a contact field or give "${slot}.${key}" in values.`;
  }
  if (m.from === 'send') return `${label} takes the send-time value "${m.key ?? key}", which was not given. Add it to values (or a campaign column), or set a fallback.`;
  if (m.from === 'fixed') return `${label} is mapped to a fixed value that is empty. Enter the value.`;
  return `${label} comes from ${from ?? m.from}, which is empty for this contact, and the mapping has no fallback. Add a fallback such as "cliente".`;
}

/** One text parameter: sanitised, shortened when from a record, or reported missing. */
function textParam(ctx: Ctx, slot: Slot, key: string, label: string, limit: number, bareKeys: string[]): { text: string; rv: ResolvedVariable } | null {
  const raw = rawValue(ctx, slot, key, bareKeys);
  const rv: ResolvedVariable = { slot, key, label, from: raw.from, value: null, usedFallback: raw.usedFallback, adjusted: [] };
  ctx.variables.push(rv);
  const text0 = scalarText(raw.value);
  if (raw.value !== undefined && text0 === undefined) {
    ctx.problems.push({ code: 'value_invalid', path: `${slot}.${key}`, message: `${label}: the value must be text or a number.` });
    return null;
  }
  if (text0 === undefined) {
    ctx.problems.push({ code: 'value_missing', path: `${slot}.${key}`, message: describeMissing(ctx, slot, key, label, raw.from) });
    return null;
  }
  const s = sanitiseText(text0);
  let text = s.text;
  if (s.changed) rv.adjusted.push('whitespace');
  if (text === '') {
    ctx.problems.push({ code: 'value_missing', path: `${slot}.${key}`, message: describeMissing(ctx, slot, key, label, raw.from) });
    return null;
  }
  if (raw.fromRecord && [...text].length > limit) {
    text = truncate(text, limit);
    rv.adjusted.push('truncated');
  }
  rv.value = text;
  return { text, rv };
}

function currencyParam(ctx: Ctx, key: string, label: string, m: VariableMapping, bareKeys: string[]): Rec | null {
  const raw = rawValue(ctx, 'body', key, bareKeys);
  const rv: ResolvedVariable = { slot: 'body', key, label, from: raw.from, value: null, usedFallback: raw.usedFallback, adjusted: [] };
  ctx.variables.push(rv);
  if (isRec(raw.value) && isRec(raw.value.currency)) {
    rv.value = str(raw.value.currency.fallback_value) ?? null;
    return { type: 'currency', currency: raw.value.currency };
  }
  if (isEmpty(raw.value)) {
    ctx.problems.push({ code: 'value_missing', path: `body.${key}`, message: describeMissing(ctx, 'body', key, label, raw.from) });
    return null;
  }
  const n = asNumber(raw.value);
  const code = (m.currency ?? '').toUpperCase();
  if (n === undefined || !/^[A-Z]{3}$/.test(code)) {
    ctx.problems.push({
      code: 'value_invalid',
      path: `body.${key}`,
      message: n === undefined ? `${label} is an amount, but "${String(raw.value)}" is not a number.` : `${label} is an amount: set the mapping's currency to a three-letter code such as EUR or MXN.`,
    });
    return null;
  }
  let fallback: string;
  try {
    fallback = new Intl.NumberFormat(ctx.locale, { style: 'currency', currency: code }).format(n);
  } catch {
    fallback = `${n.toFixed(2)} ${code}`;
  }
  rv.value = fallback;
  return { type: 'currency', currency: { fallback_value: fallback, code, amount_1000: Math.round(n * 1000) } };
}

function dateParam(ctx: Ctx, key: string, label: string, bareKeys: string[]): Rec | null {
  const raw = rawValue(ctx, 'body', key, bareKeys);
  const rv: ResolvedVariable = { slot: 'body', key, label, from: raw.from, value: null, usedFallback: raw.usedFallback, adjusted: [] };
  ctx.variables.push(rv);
  if (isRec(raw.value) && isRec(raw.value.date_time)) {
    rv.value = str(raw.value.date_time.fallback_value) ?? null;
    return { type: 'date_time', date_time: raw.value.date_time };
  }
  const text = scalarText(raw.value);
  if (text === undefined || text.trim() === '') {
    ctx.problems.push({ code: 'value_missing', path: `body.${key}`, message: describeMissing(ctx, 'body', key, label, raw.from) });
    return null;
  }
  let shown = sanitiseText(text).text;
  // ISO dates (what custom date fields store) are written out for the reader; anything else is shown as given.
  if (/^\d{4}-\d{2}-\d{2}/.test(shown) && !Number.isNaN(Date.parse(shown))) {
    const hasTime = /T\d{2}:\d{2}/.test(shown);
    const opts: Intl.DateTimeFormatOptions = hasTime ? { dateStyle: 'long', timeStyle: 'short' } : { dateStyle: 'long', timeZone: 'UTC' };
    if (hasTime && ctx.contact?.timeZone) opts.timeZone = ctx.contact.timeZone;
    try {
      shown = new Intl.DateTimeFormat(ctx.locale, opts).format(new Date(shown));
    } catch {
      shown = new Intl.DateTimeFormat(ctx.locale, { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(shown));
    }
  }
  rv.value = shown;
  return { type: 'date_time', date_time: { fallback_value: shown } };
}

function headerParams(ctx: Ctx, out: Rec[], preview: PreviewValues): void {
  const header = component(ctx.template, 'HEADER');
  if (!header) return;
  const format = (str(header.format) ?? 'TEXT').toUpperCase();
  if (format === 'TEXT') {
    const vars = templateVariables(ctx.template).header;
    if (vars.length === 0) return;
    const params: Rec[] = [];
    const shown: Record<string, string> = {};
    for (const v of vars) {
      const label = `Header {{${v.key}}}`;
      const r = textParam(ctx, 'header', v.key, label, TEMPLATE_PARAM_LIMITS.headerText, ctx.named ? [v.key] : []);
      if (!r) continue;
      shown[v.key] = r.text;
      params.push(ctx.named ? { type: 'text', parameter_name: v.key, text: r.text } : { type: 'text', text: r.text });
    }
    preview.header = shown;
    out.push({ type: 'header', parameters: params });
    return;
  }
  if (format === 'LOCATION') {
    const raw = rawValue(ctx, 'header', 'location', ['location']);
    const label = 'Header location';
    const rv: ResolvedVariable = { slot: 'header', key: 'location', label, from: raw.from, value: null, usedFallback: raw.usedFallback, adjusted: [] };
    ctx.variables.push(rv);
    const loc = isRec(raw.value) ? (isRec(raw.value.location) ? raw.value.location : raw.value) : undefined;
    if (!loc || loc.latitude === undefined || loc.longitude === undefined) {
      ctx.problems.push({ code: 'value_missing', path: 'header.location', message: `${label}: give "header.location" with latitude and longitude.` });
      return;
    }
    rv.value = str(loc.name) ?? `${String(loc.latitude)}, ${String(loc.longitude)}`;
    out.push({ type: 'header', parameters: [{ type: 'location', location: loc }] });
    return;
  }
  const kind = format === 'GIF' ? 'video' : format.toLowerCase();
  const label = `Header ${kind}`;
  const raw = rawValue(ctx, 'header', 'media', ['media']);
  const rv: ResolvedVariable = { slot: 'header', key: 'media', label, from: raw.from, value: null, usedFallback: raw.usedFallback, adjusted: [] };
  ctx.variables.push(rv);
  let media: Rec | undefined;
  if (isRec(raw.value)) media = isRec(raw.value[kind]) ? (raw.value[kind] as Rec) : raw.value;
  else if (typeof raw.value === 'string' && raw.value.trim() !== '') {
    const v = raw.value.trim();
    media = /^https?:\/\//i.test(v) ? { link: v } : { id: v };
  }
  if (!media) {
    ctx.problems.push({ code: 'value_missing', path: 'header.media', message: `${label}: map "header.media" to a fixed link or media id, or give it at send time.` });
    return;
  }
  rv.value = str(media.link) ?? str(media.id) ?? null;
  out.push({ type: 'header', parameters: [{ type: kind, [kind]: media }] });
}

function bodyParams(ctx: Ctx, out: Rec[], preview: PreviewValues, onlyBody: boolean, auth: boolean): string | undefined {
  const vars = templateVariables({ ...ctx.template, components: withImplicitAuthBody(ctx.template.category, ctx.template.components) }).body;
  if (vars.length === 0) return undefined;
  const limit = auth ? TEMPLATE_PARAM_LIMITS.authenticationText : onlyBody ? TEMPLATE_PARAM_LIMITS.bodyTextBodyOnly : TEMPLATE_PARAM_LIMITS.bodyText;
  const params: Rec[] = [];
  const shown: Record<string, string> = {};
  let first: string | undefined;
  const seen = new Set<string>();
  for (const v of vars) {
    if (seen.has(v.key)) continue;
    seen.add(v.key);
    const label = `Body {{${v.key}}}`;
    const m = ctx.mapping.body?.[v.key];
    let p: Rec | null = null;
    if (m?.type === 'currency') p = currencyParam(ctx, v.key, label, m, [v.key]);
    else if (m?.type === 'date_time') p = dateParam(ctx, v.key, label, [v.key]);
    else {
      const r = textParam(ctx, 'body', v.key, label, limit, [v.key]);
      if (r) p = { type: 'text', text: r.text };
    }
    if (!p) continue;
    const rv = ctx.variables[ctx.variables.length - 1];
    if (rv?.value) shown[v.key] = rv.value;
    if (first === undefined && typeof p.text === 'string') first = p.text;
    params.push(ctx.named ? { ...p, parameter_name: v.key } : p);
  }
  preview.body = shown;
  out.push({ type: 'body', parameters: params });
  return first;
}

function buttonParams(ctx: Ctx, out: Rec[], preview: PreviewValues, bodyFirst: string | undefined): void {
  const buttons = component(ctx.template, 'BUTTONS');
  const list = Array.isArray(buttons?.buttons) ? (buttons.buttons as unknown[]) : [];
  const shown: Record<number, string> = {};
  list.forEach((item, index) => {
    if (!isRec(item)) return;
    const type = (str(item.type) ?? '').toUpperCase();
    const key = String(index);
    const url = str(item.url) ?? '';
    const urlHasVar = type === 'URL' && /\{\{[^{}]*\}\}/.test(url);
    if (!urlHasVar && type !== 'COPY_CODE' && type !== 'OTP') return;
    const label = `Button ${index + 1} (${type})`;
    // The one-time code is both the body's {{1}} and the OTP button's value; one mapping fills both.
    const reuseBody = type === 'OTP' && bodyFirst !== undefined && !ctx.mapping.buttons?.[key] && isEmpty(ctx.values[`button.${key}`]);
    let text: string;
    if (reuseBody) {
      text = bodyFirst;
      ctx.variables.push({ slot: 'button', key, label, from: 'body.1', value: text, usedFallback: false, adjusted: [] });
    } else {
      const limit = type === 'URL' ? 2000 : TEMPLATE_PARAM_LIMITS.couponCode;
      const r = textParam(ctx, 'button', key, label, limit, []);
      if (!r) return;
      text = r.text;
      if (type === 'URL') {
        const encoded = encodeUrlPart(text.replace(/ /g, '%20'));
        if (encoded !== text) r.rv.adjusted.push('url_encoded');
        text = encoded;
        r.rv.value = text;
      }
    }
    shown[index] = text;
    if (type === 'COPY_CODE') out.push({ type: 'button', sub_type: 'copy_code', index: key, parameters: [{ type: 'coupon_code', coupon_code: text }] });
    else out.push({ type: 'button', sub_type: 'url', index: key, parameters: [{ type: 'text', text }] });
  });
  if (Object.keys(shown).length) preview.buttons = shown;
}

/**
 * The Cloud API template object for one recipient. `problems` is empty when the send is complete and passes
 * the core send-time checks; otherwise each problem names the variable (`body.1`) and what to do.
 */
export function buildTemplateSend(
  template: MappingTemplate,
  mapping: TemplateMapping | null | undefined,
  contact: ContactFacts | null | undefined,
  sendTimeValues: SendTimeValues | null | undefined = {},
): TemplateSend {
  const named = (template.parameter_format ?? '').toLowerCase() === 'named';
  const ctx: Ctx = {
    template,
    mapping: mapping ?? {},
    contact,
    values: sendTimeValues ?? {},
    named,
    locale: localeOf(template.language),
    problems: [],
    variables: [],
  };
  const components: Rec[] = [];
  const preview: PreviewValues = {};
  const all = componentsOf(template);
  const onlyBody = all.every((c) => str(c.type)?.toUpperCase() === 'BODY');
  const auth = template.category.toUpperCase() === 'AUTHENTICATION';
  headerParams(ctx, components, preview);
  const bodyFirst = bodyParams(ctx, components, preview, onlyBody, auth);
  buttonParams(ctx, components, preview, bodyFirst);

  const tpl: Rec = { name: template.name, language: { code: template.language } };
  if (components.length) tpl.components = components;
  const problems = ctx.problems;
  if (problems.length === 0) {
    // Belt and braces: what we built must pass the same rules preflight applies at enqueue.
    const def: ParamsDefinition = {
      name: template.name,
      language: template.language,
      category: template.category,
      parameter_format: named ? 'named' : 'positional',
      components: withImplicitAuthBody(template.category, all) as unknown as ParamsDefinition['components'],
    };
    for (const p of checkTemplateParams(tpl, def)) problems.push({ code: `param.${p.code}`, path: p.path, message: p.message, metaCode: p.metaCode });
  }
  return { body: { type: 'template', template: tpl }, preview, variables: ctx.variables, problems };
}

/** Every slot of a template that needs a value, for the mapping editor: `{ slot, key, label, kind }`. */
export function mappingSlots(template: MappingTemplate): { slot: Slot; key: string; label: string; kind: 'text' | 'media' | 'location' | 'code' | 'url' }[] {
  const out: { slot: Slot; key: string; label: string; kind: 'text' | 'media' | 'location' | 'code' | 'url' }[] = [];
  const vars = templateVariables(template);
  const header = component(template, 'HEADER');
  const hf = (str(header?.format) ?? 'TEXT').toUpperCase();
  if (header && hf === 'TEXT') for (const v of vars.header) out.push({ slot: 'header', key: v.key, label: `Header {{${v.key}}}`, kind: 'text' });
  else if (header && hf === 'LOCATION') out.push({ slot: 'header', key: 'location', label: 'Header location', kind: 'location' });
  else if (header) out.push({ slot: 'header', key: 'media', label: `Header ${hf.toLowerCase()}`, kind: 'media' });
  const seen = new Set<string>();
  const body = templateVariables({ ...template, components: withImplicitAuthBody(template.category, template.components) }).body;
  for (const v of body) {
    if (seen.has(v.key)) continue;
    seen.add(v.key);
    out.push({ slot: 'body', key: v.key, label: `Body {{${v.key}}}`, kind: 'text' });
  }
  const buttons = component(template, 'BUTTONS');
  (Array.isArray(buttons?.buttons) ? (buttons.buttons as unknown[]) : []).forEach((b, i) => {
    if (!isRec(b)) return;
    const type = (str(b.type) ?? '').toUpperCase();
    if (type === 'URL' && /\{\{[^{}]*\}\}/.test(str(b.url) ?? '')) out.push({ slot: 'button', key: String(i), label: `Button ${i + 1} (URL)`, kind: 'url' });
    else if (type === 'COPY_CODE' || type === 'OTP') out.push({ slot: 'button', key: String(i), label: `Button ${i + 1} (${type})`, kind: 'code' });
  });
  return out;
}

/**
 * Problems in a mapping itself (before any recipient): unknown variables or sources, a fixed value left
 * empty, a currency without a code. Variables left unmapped are fine: they are asked for at send time.
 */
export function checkMapping(template: MappingTemplate, mapping: unknown): MappingProblem[] {
  const problems: MappingProblem[] = [];
  if (mapping === null || mapping === undefined) return problems;
  if (!isRec(mapping)) return [{ code: 'mapping_invalid', path: '', message: 'The mapping must be an object with header, body and buttons.' }];
  const slots = mappingSlots(template);
  for (const group of ['header', 'body', 'buttons'] as const) {
    const g = mapping[group];
    if (g === undefined) continue;
    if (!isRec(g)) {
      problems.push({ code: 'mapping_invalid', path: group, message: `${group} must be an object keyed by variable.` });
      continue;
    }
    const slot: Slot = group === 'buttons' ? 'button' : group;
    for (const [key, m] of Object.entries(g)) {
      const path = `${slot}.${key}`;
      if (!slots.some((s) => s.slot === slot && s.key === key)) {
        const known = slots.filter((s) => s.slot === slot).map((s) => s.key);
        problems.push({ code: 'mapping_invalid', path, message: `The template has no ${slot} variable "${key}"${known.length ? `; it has ${known.join(', ')}` : ''}.` });
        continue;
      }
      if (!isRec(m) || typeof m.from !== 'string') {
        problems.push({ code: 'mapping_invalid', path, message: `${path}: give { from, fallback? }, e.g. { "from": "contact.first_name", "fallback": "cliente" }.` });
        continue;
      }
      if (!isKnownSource(m.from)) {
        problems.push({ code: 'mapping_invalid', path, message: `${path}: "${m.from}" is not a source. Use contact.first_name, contact.name, field.<key>, org.name, fixed or send.` });
      }
      if (m.from === 'fixed' && (typeof m.value !== 'string' || m.value.trim() === '')) {
        problems.push({ code: 'mapping_invalid', path, message: `${path}: a fixed mapping needs a non-empty value.` });
      }
      if (m.fallback !== undefined && typeof m.fallback !== 'string') problems.push({ code: 'mapping_invalid', path, message: `${path}: the fallback must be text.` });
      if (m.type !== undefined && !['text', 'currency', 'date_time'].includes(String(m.type))) {
        problems.push({ code: 'mapping_invalid', path, message: `${path}: type is text, currency or date_time.` });
      } else if (m.type !== undefined && m.type !== 'text' && slot !== 'body') {
        problems.push({ code: 'mapping_invalid', path, message: `${path}: only body variables can be currency or date_time.` });
      }
      if (m.type === 'currency' && (typeof m.currency !== 'string' || !/^[A-Z]{3}$/i.test(m.currency))) {
        problems.push({ code: 'mapping_invalid', path, message: `${path}: a currency variable needs currency, a three-letter code such as EUR.` });
      }
    }
  }
  return problems;
}
