// Send-time checks of template parameters against the stored template definition (spec §1.5, §4.3).
// Only what sending needs is parsed from the definition; authoring rules live in src/core/templates/.
import { checkMediaRef, isHttpUrl } from './outbound.ts';
import { charCount, isRecord, type Problem } from './problems.ts';

export type ParameterFormat = 'positional' | 'named';

/** A template as stored from Meta's template API (component types may be upper or lower case). */
export interface TemplateComponentDefinition {
  type: string; // HEADER | BODY | FOOTER | BUTTONS
  format?: string; // header: TEXT | IMAGE | VIDEO | DOCUMENT | LOCATION
  text?: string;
  buttons?: { type: string; text?: string; url?: string; otp_type?: string }[];
}
export interface TemplateDefinition {
  name: string;
  language: string;
  category?: string;
  parameter_format?: ParameterFormat;
  components: TemplateComponentDefinition[];
}

export type TemplateParamCode =
  | 'param_count_mismatch'
  | 'param_format_mismatch'
  | 'param_name_invalid'
  | 'param_name_mismatch'
  | 'param_type_mismatch'
  | 'param_too_long'
  | 'param_empty'
  | 'param_whitespace'
  | 'currency_invalid'
  | 'date_time_invalid'
  | 'url_param_not_encoded'
  | 'button_not_found'
  | 'duplicate_component'
  | 'name_mismatch';

export interface TemplateParamProblem extends Problem {
  code: TemplateParamCode;
  /** The Meta error code the same mistake would get from the Cloud API. */
  metaCode: number;
}

export const TEMPLATE_PARAM_LIMITS = {
  headerText: 60,
  bodyText: 1024,
  bodyTextBodyOnly: 32768,
  authenticationText: 15,
  couponCode: 15,
  parameterName: 20,
} as const;

const META_CODE: Record<TemplateParamCode, number> = {
  param_count_mismatch: 132000,
  param_format_mismatch: 132012,
  param_name_invalid: 132012,
  param_name_mismatch: 132000,
  param_type_mismatch: 132012,
  param_too_long: 132018,
  param_empty: 132018,
  param_whitespace: 132018,
  currency_invalid: 132018,
  date_time_invalid: 132018,
  url_param_not_encoded: 132018,
  button_not_found: 132000,
  duplicate_component: 132000,
  name_mismatch: 132001,
};

export interface TemplateVariables {
  /** Distinct variable keys in order of first appearance: "1", "2"… or "first_name"… */
  keys: string[];
  style: ParameterFormat | null;
}

const VARIABLE = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;

/** The variables of one text: {{1}}, {{2}}… or {{first_name}}. */
export function variablesOf(text: string | undefined): TemplateVariables {
  const keys: string[] = [];
  for (const m of (text ?? '').matchAll(VARIABLE)) {
    const k = m[1] as string;
    if (!keys.includes(k)) keys.push(k);
  }
  if (keys.length === 0) return { keys, style: null };
  return { keys, style: keys.every((k) => /^\d+$/.test(k)) ? 'positional' : 'named' };
}

function component(def: TemplateDefinition, type: string): TemplateComponentDefinition | undefined {
  return def.components.find((c) => c.type.toUpperCase() === type);
}

export function definitionButtons(def: TemplateDefinition): { type: string; url?: string; otp_type?: string }[] {
  return component(def, 'BUTTONS')?.buttons ?? [];
}

/** Authentication templates with an OTP button cannot go to a BSUID (spec §9, error 131062). */
export function needsPhoneNumber(def: TemplateDefinition): boolean {
  return (
    def.category?.toUpperCase() === 'AUTHENTICATION' &&
    definitionButtons(def).some((b) => b.type.toUpperCase() === 'OTP' || b.otp_type !== undefined)
  );
}

/** The parameter style of a template: its declared format, else what its variables look like. */
export function parameterFormatOf(def: TemplateDefinition): ParameterFormat {
  if (def.parameter_format) return def.parameter_format;
  const header = component(def, 'HEADER');
  const styles = [variablesOf(component(def, 'BODY')?.text).style, variablesOf(header?.text).style];
  return styles.includes('named') ? 'named' : 'positional';
}

type Ctx = { problems: TemplateParamProblem[] };

function add(ctx: Ctx, path: string, code: TemplateParamCode, message: string): void {
  ctx.problems.push({ path, code, message, metaCode: META_CODE[code] });
}

/** The disallowed whitespace Meta rejects in parameters (public clients: newline, tab, 4+ spaces). */
function whitespaceProblem(value: string): string | null {
  if (/[\n\r]/.test(value)) return 'a line break';
  if (/\t/.test(value)) return 'a tab';
  if (/ {4,}/.test(value)) return '4 or more spaces in a row';
  return null;
}

function checkText(ctx: Ctx, path: string, label: string, value: unknown, limit: number): void {
  if (typeof value !== 'string' || value.trim() === '') {
    add(ctx, path, 'param_empty', `${label} is empty; every variable needs a value.`);
    return;
  }
  const ws = whitespaceProblem(value);
  if (ws) add(ctx, path, 'param_whitespace', `${label} contains ${ws}; template values must be on one line without tabs or long runs of spaces.`);
  const n = charCount(value);
  if (n > limit) add(ctx, path, 'param_too_long', `${label} has ${n} characters; the limit is ${limit}. Shorten it by ${n - limit}.`);
}

function checkNamedStyle(
  ctx: Ctx,
  params: unknown[],
  basePath: string,
  where: string,
  expected: TemplateVariables,
  format: ParameterFormat,
): void {
  const given: string[] = [];
  params.forEach((p, i) => {
    if (!isRecord(p)) return;
    const path = `${basePath}[${i}].parameter_name`;
    const name = p.parameter_name;
    if (format === 'positional') {
      if (name !== undefined) {
        add(ctx, path, 'param_format_mismatch', `The template uses numbered variables ({{1}}); remove parameter_name from the ${where} values and give them in order.`);
      }
      return;
    }
    if (name === undefined) {
      add(ctx, path, 'param_format_mismatch', `The template uses named variables; ${where} value ${i + 1} needs a parameter_name.`);
      return;
    }
    if (typeof name !== 'string' || !/^[a-z_]+$/.test(name) || name.length > TEMPLATE_PARAM_LIMITS.parameterName) {
      add(ctx, path, 'param_name_invalid', `parameter_name "${String(name)}" must be lower-case letters and "_", at most 20 characters.`);
      return;
    }
    given.push(name);
  });
  if (format !== 'named') return;
  const missing = expected.keys.filter((k) => !given.includes(k));
  const unknown = given.filter((k) => !expected.keys.includes(k));
  const dupes = given.filter((k, i) => given.indexOf(k) !== i);
  if (missing.length || unknown.length || dupes.length) {
    const parts = [
      missing.length ? `missing ${missing.map((k) => `{{${k}}}`).join(', ')}` : '',
      unknown.length ? `not in the template: ${unknown.join(', ')}` : '',
      dupes.length ? `given twice: ${[...new Set(dupes)].join(', ')}` : '',
    ].filter(Boolean);
    add(ctx, basePath, 'param_name_mismatch', `The ${where} values do not match the template's variables (${parts.join('; ')}).`);
  }
}

function countProblem(ctx: Ctx, path: string, where: string, expected: number, got: number): void {
  add(
    ctx,
    path,
    'param_count_mismatch',
    expected === 0
      ? `The template ${where} has no variables, but ${got} value${got === 1 ? ' was' : 's were'} given; remove them.`
      : `The template ${where} has ${expected} variable${expected === 1 ? '' : 's'}, but ${got} value${got === 1 ? ' was' : 's were'} given.`,
  );
}

function checkBodyParams(ctx: Ctx, params: unknown[], path: string, vars: TemplateVariables, format: ParameterFormat, limit: number, auth: boolean): void {
  if (params.length !== vars.keys.length) countProblem(ctx, `${path}`, 'body', vars.keys.length, params.length);
  checkNamedStyle(ctx, params, path, 'body', vars, format);
  params.forEach((p, i) => {
    const pp = `${path}[${i}]`;
    const label = `Body value ${i + 1}`;
    if (!isRecord(p)) {
      add(ctx, pp, 'param_type_mismatch', `${label} must be an object such as {"type":"text","text":"…"}.`);
      return;
    }
    if (p.type === 'text') checkText(ctx, `${pp}.text`, label, p.text, auth ? TEMPLATE_PARAM_LIMITS.authenticationText : limit);
    else if (p.type === 'currency') checkCurrency(ctx, pp, label, p.currency);
    else if (p.type === 'date_time') {
      const dt = p.date_time;
      if (!isRecord(dt) || typeof dt.fallback_value !== 'string' || dt.fallback_value.trim() === '') {
        add(ctx, `${pp}.date_time.fallback_value`, 'date_time_invalid', `${label} is a date: give date_time.fallback_value, the date as the customer should read it.`);
      }
    } else add(ctx, `${pp}.type`, 'param_type_mismatch', `${label} must be of type text, currency or date_time.`);
  });
}

function checkCurrency(ctx: Ctx, path: string, label: string, c: unknown): void {
  if (!isRecord(c)) {
    add(ctx, `${path}.currency`, 'currency_invalid', `${label} is an amount: give currency {fallback_value, code, amount_1000}.`);
    return;
  }
  if (typeof c.fallback_value !== 'string' || c.fallback_value.trim() === '') {
    add(ctx, `${path}.currency.fallback_value`, 'currency_invalid', `${label} needs currency.fallback_value, the amount as text (e.g. "$10.00").`);
  }
  if (typeof c.code !== 'string' || !/^[A-Z]{3}$/.test(c.code)) {
    add(ctx, `${path}.currency.code`, 'currency_invalid', `${label} needs currency.code, a three-letter ISO 4217 code such as "USD" or "EUR".`);
  }
  if (typeof c.amount_1000 !== 'number' || !Number.isInteger(c.amount_1000)) {
    add(ctx, `${path}.currency.amount_1000`, 'currency_invalid', `${label} needs currency.amount_1000, the amount times 1000 as a whole number (10.50 → 10500).`);
  }
}

const aOrAn = (word: string): string => (/^[aeiou]/.test(word) ? 'an' : 'a');

function checkHeader(ctx: Ctx, def: TemplateComponentDefinition | undefined, sent: { params: unknown[]; index: number } | undefined, format: ParameterFormat): void {
  const path = sent ? `template.components[${sent.index}].parameters` : 'template.components';
  const kind = (def?.format ?? 'TEXT').toUpperCase();
  if (def === undefined || kind === 'TEXT') {
    const vars = variablesOf(def?.text);
    const params = sent?.params ?? [];
    if (params.length !== vars.keys.length) countProblem(ctx, path, 'header', vars.keys.length, params.length);
    checkNamedStyle(ctx, params, path, 'header', vars, format);
    params.forEach((p, i) => {
      if (isRecord(p) && p.type === 'text') checkText(ctx, `${path}[${i}].text`, 'The header value', p.text, TEMPLATE_PARAM_LIMITS.headerText);
      else add(ctx, `${path}[${i}]`, 'param_type_mismatch', 'The header value must be of type text.');
    });
    return;
  }
  const want = kind.toLowerCase(); // image | video | document | location
  const params = sent?.params ?? [];
  if (params.length !== 1) {
    add(ctx, path, 'param_count_mismatch', `The template has ${aOrAn(want)} ${want} header: give exactly one header parameter of type "${want}".`);
    return;
  }
  const p = params[0];
  if (!isRecord(p) || p.type !== want) {
    add(ctx, `${path}[0].type`, 'param_type_mismatch', `The template header is ${aOrAn(want)} ${want}; the header parameter must be of type "${want}".`);
    return;
  }
  const value = p[want];
  if (!isRecord(value)) {
    add(ctx, `${path}[0].${want}`, 'param_empty', `Give the header ${want}.`);
    return;
  }
  if (want === 'location') {
    if (value.latitude === undefined || value.longitude === undefined) {
      add(ctx, `${path}[0].location`, 'param_empty', 'The header location needs latitude and longitude.');
    }
    return;
  }
  const inner: Problem[] = [];
  checkMediaRef({ problems: inner }, value, `${path}[0].${want}`, `The header ${want}`);
  for (const pr of inner) add(ctx, pr.path, 'param_empty', pr.message);
}

function checkButtons(ctx: Ctx, def: TemplateDefinition, sent: { c: Record<string, unknown>; index: number }[]): void {
  const buttons = definitionButtons(def);
  const covered = new Set<number>();
  for (const { c, index } of sent) {
    const path = `template.components[${index}]`;
    const bi = Number(c.index);
    const b = Number.isInteger(bi) ? buttons[bi] : undefined;
    if (b === undefined) {
      add(ctx, `${path}.index`, 'button_not_found', `The template has no button at index ${String(c.index)} (it has ${buttons.length}).`);
      continue;
    }
    covered.add(bi);
    const type = b.type.toUpperCase();
    const params = Array.isArray(c.parameters) ? c.parameters : [];
    const sub = c.sub_type;
    const expectSub = type === 'URL' || type === 'OTP' ? 'url' : type === 'COPY_CODE' ? 'copy_code' : type === 'QUICK_REPLY' ? 'quick_reply' : undefined;
    if (expectSub !== undefined && sub !== expectSub) {
      add(ctx, `${path}.sub_type`, 'param_type_mismatch', `Button ${bi + 1} of the template is ${type}; use sub_type "${expectSub}".`);
      continue;
    }
    if (type === 'URL') {
      const hasVar = variablesOf(b.url).keys.length > 0;
      if (!hasVar) {
        if (params.length > 0) countProblem(ctx, `${path}.parameters`, `URL button ${bi + 1}`, 0, params.length);
        continue;
      }
      if (params.length !== 1) {
        countProblem(ctx, `${path}.parameters`, `URL button ${bi + 1}`, 1, params.length);
        continue;
      }
      const p = params[0];
      const value = isRecord(p) ? p.text : undefined;
      checkText(ctx, `${path}.parameters[0].text`, `The URL button ${bi + 1} value`, value, 2000);
      if (typeof value === 'string' && value !== '' && /[\s<>"{}|\\^`]/.test(value)) {
        add(ctx, `${path}.parameters[0].text`, 'url_param_not_encoded', `The URL button ${bi + 1} value has spaces or special characters; percent-encode it (e.g. with encodeURIComponent).`);
      } else if (typeof value === 'string' && b.url && !isHttpUrl(b.url.replace(VARIABLE, value))) {
        add(ctx, `${path}.parameters[0].text`, 'param_type_mismatch', `The URL button ${bi + 1} value does not make a valid link.`);
      }
    } else if (type === 'OTP') {
      const p = params[0];
      if (params.length !== 1) countProblem(ctx, `${path}.parameters`, `code button`, 1, params.length);
      else checkText(ctx, `${path}.parameters[0].text`, 'The one-time code', isRecord(p) ? p.text : undefined, TEMPLATE_PARAM_LIMITS.authenticationText);
    } else if (type === 'COPY_CODE') {
      const p = params[0];
      if (params.length !== 1) countProblem(ctx, `${path}.parameters`, `copy-code button`, 1, params.length);
      else if (!isRecord(p) || p.type !== 'coupon_code') {
        add(ctx, `${path}.parameters[0].type`, 'param_type_mismatch', 'The copy-code button value must be of type "coupon_code".');
      } else checkText(ctx, `${path}.parameters[0].coupon_code`, 'The coupon code', p.coupon_code, TEMPLATE_PARAM_LIMITS.couponCode);
    }
  }
  buttons.forEach((b, bi) => {
    if (covered.has(bi)) return;
    const type = b.type.toUpperCase();
    const needs =
      (type === 'URL' && variablesOf(b.url).keys.length > 0) || type === 'OTP' || type === 'COPY_CODE';
    if (needs) {
      const what = type === 'URL' ? 'the end of its link' : type === 'COPY_CODE' ? 'the code to copy' : 'the one-time code';
      add(ctx, 'template.components', 'param_count_mismatch', `Button ${bi + 1} (${type}) needs a value for ${what}: add a button component with index "${bi}".`);
    }
  });
}

/**
 * Check the `template` object of a send body against the template definition. Returns [] when Meta would accept
 * the parameters (as far as the documented and commonly reported rules go).
 */
/**
 * Meta writes the body of an AUTHENTICATION template itself ("{{1}} is your verification code"), so a
 * stored body without text still takes the code as its one parameter (spec §1.5, §4.3).
 */
export function withImplicitAuthBody<T>(category: string | undefined, components: T): T {
  if ((category ?? '').toUpperCase() !== 'AUTHENTICATION' || !Array.isArray(components)) return components;
  return components.map((c: unknown) =>
    isRecord(c) && typeof c.type === 'string' && c.type.toUpperCase() === 'BODY' && typeof c.text !== 'string'
      ? { ...c, text: '{{1}} is your verification code.' }
      : c,
  ) as T;
}

export function checkTemplateParams(template: unknown, definition: TemplateDefinition): TemplateParamProblem[] {
  const def: TemplateDefinition = { ...definition, components: withImplicitAuthBody(definition.category, definition.components) };
  const ctx: Ctx = { problems: [] };
  if (!isRecord(template)) {
    add(ctx, 'template', 'param_type_mismatch', 'The template must be an object.');
    return ctx.problems;
  }
  const lang = isRecord(template.language) ? template.language.code : undefined;
  if (template.name !== def.name || lang !== def.language) {
    add(ctx, 'template.name', 'name_mismatch', `The message names template "${String(template.name)}" (${String(lang)}), not "${def.name}" (${def.language}).`);
    return ctx.problems;
  }
  const format = parameterFormatOf(def);
  const components = Array.isArray(template.components) ? template.components : [];
  let header: { params: unknown[]; index: number } | undefined;
  let body: { params: unknown[]; index: number } | undefined;
  const buttons: { c: Record<string, unknown>; index: number }[] = [];
  components.forEach((c, index) => {
    if (!isRecord(c)) return;
    const params = Array.isArray(c.parameters) ? c.parameters : [];
    const type = typeof c.type === 'string' ? c.type.toLowerCase() : '';
    if (type === 'header' || type === 'body') {
      if ((type === 'header' ? header : body) !== undefined) {
        add(ctx, `template.components[${index}]`, 'duplicate_component', `There are two ${type} components; merge their values into one.`);
        return;
      }
      if (type === 'header') header = { params, index };
      else body = { params, index };
    } else if (type === 'button') buttons.push({ c, index });
  });

  const headerDef = component(def, 'HEADER');
  if (headerDef !== undefined || (header?.params.length ?? 0) > 0) checkHeader(ctx, headerDef, header, format);

  const bodyDef = component(def, 'BODY');
  const bodyOnly = def.components.every((c) => c.type.toUpperCase() === 'BODY');
  const auth = def.category?.toUpperCase() === 'AUTHENTICATION';
  checkBodyParams(
    ctx,
    body?.params ?? [],
    body ? `template.components[${body.index}].parameters` : 'template.components',
    variablesOf(bodyDef?.text),
    format,
    bodyOnly ? TEMPLATE_PARAM_LIMITS.bodyTextBodyOnly : TEMPLATE_PARAM_LIMITS.bodyText,
    auth,
  );
  checkButtons(ctx, def, buttons);
  return ctx.problems;
}
