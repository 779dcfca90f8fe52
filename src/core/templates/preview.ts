// What WhatsApp shows for a template: texts with values filled in, and the buttons as laid out.
// Pure; used by the editor preview and the inbox template picker.

import { locateComponents, readParameterFormat } from './components.ts';
import { LIMITS } from './limits.ts';
import { scanPlaceholders } from './placeholders.ts';
import { asArray, asRecord, asString, get, upper, type Rec } from './read.ts';
import type { ParameterFormat } from './types.ts';

/** Values by key (`"1"`, `"first_name"`) or, for positional templates, a list where item 0 is {{1}}. */
export type VariableValues = Readonly<Record<string, string>> | readonly string[];

export interface PreviewValues {
  header?: VariableValues;
  body?: VariableValues;
  /** URL-button suffix per button index. */
  buttons?: Readonly<Record<number, string>>;
}

export type PreviewHeader =
  | { kind: 'text'; text: string }
  | { kind: 'image' | 'video' | 'document' | 'gif'; handle?: string }
  | { kind: 'location' };

export interface PreviewButton {
  type: string;
  text: string;
  url?: string;
  phoneNumber?: string;
  code?: string;
}

export interface TemplatePreview {
  header: PreviewHeader | null;
  body: string;
  footer: string | null;
  /** Every button, in order. */
  buttons: PreviewButton[];
  /** The buttons shown in the bubble: all of them up to 3, otherwise the first 2. */
  visibleButtons: PreviewButton[];
  /** More than 3 buttons: WhatsApp adds a "See all options" entry (whatsapp-cloud-api.md §4.3). */
  seeAllOptions: boolean;
}

function lookup(values: VariableValues | undefined, key: string): string | undefined {
  if (values === undefined || values === null) return undefined;
  if (Array.isArray(values)) {
    const n = Number(key);
    return Number.isInteger(n) && n >= 1 ? asString(values[n - 1]) : undefined;
  }
  return asString((values as Readonly<Record<string, unknown>>)[key]);
}

/** Example values from the definition, keyed like the variables. */
function exampleValues(rec: Rec | undefined, format: ParameterFormat, kind: 'header' | 'body'): Record<string, string> {
  const out: Record<string, string> = {};
  const example = asRecord(get(rec, 'example'));
  if (format === 'named') {
    for (const item of asArray(get(example, `${kind}_text_named_params`)) ?? []) {
      const r = asRecord(item);
      const name = asString(get(r, 'param_name'));
      const value = asString(get(r, 'example'));
      if (name !== undefined && value !== undefined) out[name] = value;
    }
    return out;
  }
  let list = asArray(get(example, `${kind}_text`)) ?? [];
  if (kind === 'body' && Array.isArray(list[0])) list = list[0] as readonly unknown[];
  list.forEach((v, i) => {
    const s = asString(v);
    if (s !== undefined) out[String(i + 1)] = s;
  });
  return out;
}

/** Replaces each well-formed placeholder with its value, else its example, else leaves it as written. */
function fill(text: string, values: VariableValues | undefined, examples: Readonly<Record<string, string>>): string {
  let out = '';
  let from = 0;
  for (const t of scanPlaceholders(text).tokens) {
    if (t.kind === 'invalid') continue;
    out += text.slice(from, t.start) + (lookup(values, t.inner) ?? examples[t.inner] ?? t.raw);
    from = t.end;
  }
  return out + text.slice(from);
}

const DEFAULT_BUTTON_TEXT: Readonly<Record<string, string>> = { COPY_CODE: 'Copy offer code', OTP: 'Copy code' };

function previewButton(item: unknown, index: number, values: PreviewValues): PreviewButton | undefined {
  const b = asRecord(item);
  const type = upper(get(b, 'type'));
  if (!b || !type) return undefined;
  const text = asString(get(b, 'text')) ?? DEFAULT_BUTTON_TEXT[type] ?? '';
  const button: PreviewButton = { type, text };
  if (type === 'URL') {
    const url = asString(get(b, 'url')) ?? '';
    const token = scanPlaceholders(url).tokens.find((t) => t.kind !== 'invalid');
    if (token) {
      const prefix = url.slice(0, token.start);
      const sample = asString(asArray(get(b, 'example'))?.[0]);
      // The example is documented as a full URL; a bare suffix is accepted too.
      const exampleSuffix = sample === undefined ? undefined : sample.startsWith(prefix) ? sample.slice(prefix.length) : sample;
      const suffix = values.buttons?.[index] ?? exampleSuffix ?? token.raw;
      button.url = prefix + suffix + url.slice(token.end);
    } else {
      button.url = url;
    }
  } else if (type === 'PHONE_NUMBER') {
    button.phoneNumber = asString(get(b, 'phone_number')) ?? '';
  } else if (type === 'COPY_CODE') {
    const ex = get(b, 'example');
    button.code = values.buttons?.[index] ?? asString(ex) ?? asString(asArray(ex)?.[0]) ?? '';
  }
  return button;
}

/**
 * The message as a recipient would see it. Values come from `values`, then from the definition's
 * examples; a variable with neither stays as written (`{{1}}`) so the author sees the gap. Total.
 */
export function renderPreview(def: unknown, values: PreviewValues = {}): TemplatePreview {
  const vals: PreviewValues = asRecord(values) ? values : {};
  const format = readParameterFormat(def);
  const located = locateComponents(def);
  const category = upper(get(asRecord(def), 'category'));

  let header: PreviewHeader | null = null;
  const h = located.HEADER?.rec;
  const hFormat = upper(get(h, 'format'));
  if (hFormat === 'TEXT') {
    header = { kind: 'text', text: fill(asString(get(h, 'text')) ?? '', vals.header, exampleValues(h, format, 'header')) };
  } else if (hFormat === 'IMAGE' || hFormat === 'VIDEO' || hFormat === 'DOCUMENT' || hFormat === 'GIF') {
    const handle = asString(asArray(get(asRecord(get(h, 'example')), 'header_handle'))?.[0]);
    const kind = hFormat.toLowerCase() as 'image' | 'video' | 'document' | 'gif';
    header = handle === undefined ? { kind } : { kind, handle };
  } else if (hFormat === 'LOCATION') {
    header = { kind: 'location' };
  }

  const b = located.BODY?.rec;
  let bodyText = asString(get(b, 'text'));
  if (bodyText === undefined && category === 'AUTHENTICATION') {
    // Meta supplies the wording of authentication bodies (English shown; Meta localises it).
    bodyText = `{{1}} is your verification code.${get(b, 'add_security_recommendation') === true ? ' For your security, do not share this code.' : ''}`;
  }
  const body = fill(bodyText ?? '', vals.body, exampleValues(b, format, 'body'));

  const f = located.FOOTER?.rec;
  let footer = asString(get(f, 'text')) ?? null;
  const minutes = get(f, 'code_expiration_minutes');
  if (footer === null && typeof minutes === 'number' && Number.isFinite(minutes)) footer = `This code expires in ${minutes} minutes.`;

  const buttons: PreviewButton[] = [];
  (asArray(get(located.BUTTONS?.rec, 'buttons')) ?? []).forEach((item, i) => {
    const pb = previewButton(item, i, vals);
    if (pb) buttons.push(pb);
  });
  const seeAllOptions = buttons.length > LIMITS.buttonsShownInline;
  return { header, body, footer, buttons, visibleButtons: seeAllOptions ? buttons.slice(0, 2) : buttons, seeAllOptions };
}
