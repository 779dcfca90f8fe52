import { GraphError, badParam } from '../errors.ts';
import {
  type Json,
  arrayAt,
  child,
  isObject,
  objectAt,
  oneOf,
  stringAt,
} from './fields.ts';
import type {
  ParameterFormat,
  Template,
  TemplateButton,
  TemplateCategory,
  TemplateComponent,
} from './template-model.ts';
import { bodyText, buttonsOf, componentOf, placeholders } from './template-model.ts';

export interface TemplateDraft {
  name: string;
  language: string;
  category: TemplateCategory;
  parameterFormat: ParameterFormat;
  components: TemplateComponent[];
}

const BUTTON_TYPES = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP', 'VOICE_CALL', 'FLOW',
  'CATALOG', 'MPM', 'SPM'] as const;

/**
 * Synchronous checks of POST /{waba}/message_templates: shape, names and hard limits.
 * Content rules (variable placement, examples…) are judged later by the simulated review.
 */
export function parseTemplateDraft(raw: unknown, partial = false): Partial<TemplateDraft> {
  if (!isObject(raw)) throw badParam('The request body must be a JSON object.');
  const out: Partial<TemplateDraft> = {};
  if (!partial || raw.name !== undefined) {
    const name = stringAt(raw, 'name', '', !partial, { max: 512 });
    if (name !== undefined && !/^[a-z0-9_]+$/.test(name)) {
      throw badParam('Param name must contain only lowercase letters, numbers and underscores.');
    }
    if (name !== undefined) out.name = name;
  }
  if (!partial) {
    const language = stringAt(raw, 'language', '', true);
    if (!/^[a-z]{2,3}(_[A-Z]{2,3})?$/.test(language)) throw badParam(`Param language "${language}" is not a supported language code.`);
    out.language = language;
  }
  if (!partial || raw.category !== undefined) {
    const category = stringAt(raw, 'category', '', !partial);
    if (category !== undefined) out.category = oneOf(category.toUpperCase(), ['MARKETING', 'UTILITY', 'AUTHENTICATION'], 'category');
  }
  const pf = stringAt(raw, 'parameter_format', '', false);
  if (pf !== undefined) out.parameterFormat = oneOf(pf.toUpperCase(), ['POSITIONAL', 'NAMED'], 'parameter_format');
  else if (!partial) out.parameterFormat = 'POSITIONAL';
  if (!partial || raw.components !== undefined) {
    out.components = parseComponents(arrayAt(raw, 'components', '', true), out.category);
  }
  return out;
}

function parseComponents(list: unknown[], category: TemplateCategory | undefined): TemplateComponent[] {
  const out: TemplateComponent[] = [];
  const counts: Record<string, number> = {};
  list.forEach((c, i) => {
    const p = child('components', i);
    if (!isObject(c)) throw badParam(`Param ${p} must be a JSON object.`);
    const type = oneOf(stringAt(c, 'type', p, true).toUpperCase(), ['HEADER', 'BODY', 'FOOTER', 'BUTTONS'], child(p, 'type'));
    counts[type] = (counts[type] ?? 0) + 1;
    if (counts[type] > 1) throw badParam(`Param components may contain at most one ${type}.`);
    const comp: TemplateComponent = { type };
    if (type === 'HEADER') {
      comp.format = oneOf(stringAt(c, 'format', p, true).toUpperCase(), ['TEXT', 'IMAGE', 'VIDEO', 'DOCUMENT', 'LOCATION', 'GIF'], child(p, 'format'));
      if (comp.format === 'TEXT') comp.text = stringAt(c, 'text', p, true, { max: 60 });
    } else if (type === 'BODY') {
      const text = stringAt(c, 'text', p, category !== 'AUTHENTICATION', { max: 1024 });
      if (text !== undefined) comp.text = text;
      if (typeof c.add_security_recommendation === 'boolean') comp.add_security_recommendation = c.add_security_recommendation;
    } else if (type === 'FOOTER') {
      const text = stringAt(c, 'text', p, category !== 'AUTHENTICATION', { max: 60 });
      if (text !== undefined) comp.text = text;
      if (typeof c.code_expiration_minutes === 'number') comp.code_expiration_minutes = c.code_expiration_minutes;
    } else {
      comp.buttons = parseButtons(arrayAt(c, 'buttons', p, true), child(p, 'buttons'));
    }
    const example = objectAt(c, 'example', p, false);
    if (example) comp.example = example;
    out.push(comp);
  });
  if (category !== 'AUTHENTICATION' && !counts.BODY) throw new GraphError(131008, 'The parameter components[BODY] is required.');
  return out;
}

function parseButtons(list: unknown[], path: string): TemplateButton[] {
  if (list.length < 1 || list.length > 10) throw badParam(`Param ${path} must contain 1 to 10 buttons.`);
  const perType: Record<string, number> = {};
  return list.map((b, i) => {
    const p = child(path, i);
    if (!isObject(b)) throw badParam(`Param ${p} must be a JSON object.`);
    const type = oneOf(stringAt(b, 'type', p, true).toUpperCase(), BUTTON_TYPES, child(p, 'type'));
    perType[type] = (perType[type] ?? 0) + 1;
    const max: Record<string, number> = { URL: 2, PHONE_NUMBER: 1, COPY_CODE: 1, OTP: 1 };
    if (perType[type] > (max[type] ?? 10)) throw badParam(`Param ${path} allows at most ${max[type]} ${type} button(s).`);
    const btn: TemplateButton = { ...(b as Json), type };
    if (type !== 'OTP' && type !== 'COPY_CODE') btn.text = stringAt(b, 'text', p, true, { max: 25 });
    if (type === 'URL') btn.url = stringAt(b, 'url', p, true, { max: 2000 });
    if (type === 'PHONE_NUMBER') btn.phone_number = stringAt(b, 'phone_number', p, true, { max: 20 });
    if (type === 'OTP') {
      btn.otp_type = oneOf(stringAt(b, 'otp_type', p, true).toUpperCase(), ['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'], child(p, 'otp_type'));
    }
    return btn;
  });
}

export type ReviewOutcome =
  | { status: 'APPROVED'; category: TemplateCategory }
  | { status: 'REJECTED'; reason: 'INVALID_FORMAT' | 'PROMOTIONAL' | 'ABUSIVE_CONTENT'; detail: string };

const PROMOTIONAL = /\b(oferta|descuento|promo\w*|rebaja|gratis|sale|discount|offer|% ?off|black friday|cup[oó]n|coupon)\b/i;
const EMOJI = /\p{Extended_Pictographic}/u;

/** Problems in a text with variables; empty when the text follows the documented rules. */
export function variableProblems(text: string, format: ParameterFormat): string[] {
  const problems: string[] = [];
  const opens = (text.match(/\{\{/g) ?? []).length;
  const closes = (text.match(/\}\}/g) ?? []).length;
  if (opens !== closes) problems.push('Variables must have matching double braces.');
  const vars = placeholders(text);
  if (vars.length === 0) return problems;
  const trimmed = text.trim();
  if (/^\{\{[^}]*\}\}/.test(trimmed) || /\{\{[^}]*\}\}$/.test(trimmed)) {
    problems.push("Variables can't be at the start or end of the template.");
  }
  if (/\}\}\s*\{\{/.test(text)) problems.push('Variables must be separated by text.');
  if (vars.some((v) => /[#$%]/.test(v))) problems.push('Variables cannot contain #, $ or %.');
  if (format === 'POSITIONAL') {
    const nums = vars.map(Number);
    if (nums.some((n) => !Number.isInteger(n))) problems.push('Positional variables must be written {{1}}, {{2}}…');
    else if (nums.some((n, i) => n !== i + 1)) problems.push('Positional variables must be sequential starting at {{1}}.');
  } else {
    if (vars.some((v) => !/^[a-z_]{1,20}$/.test(v))) problems.push('Named variables must be lowercase letters and underscores.');
    if (new Set(vars).size !== vars.length) problems.push('Named variables must be unique.');
  }
  return problems;
}

function hasExamples(comp: TemplateComponent, key: 'body' | 'header', format: ParameterFormat): boolean {
  const ex = comp.example;
  if (!ex) return false;
  if (format === 'NAMED') return Array.isArray(ex[`${key}_text_named_params`]);
  return key === 'body' ? Array.isArray(ex.body_text) : Array.isArray(ex.header_text) || typeof ex.header_text === 'string';
}

/** The simulated review: approve valid templates, reject ones that break documented rules. */
export function reviewTemplate(t: Pick<Template, 'components' | 'category' | 'language' | 'parameterFormat'>): ReviewOutcome {
  const reject = (detail: string): ReviewOutcome => ({ status: 'REJECTED', reason: 'INVALID_FORMAT', detail });
  const body = componentOf(t, 'BODY');
  const header = componentOf(t, 'HEADER');
  const footer = componentOf(t, 'FOOTER');
  const buttons = buttonsOf(t);

  if (t.category === 'AUTHENTICATION') {
    if (!buttons.some((b) => b.type === 'OTP')) return reject('Authentication templates need an OTP button (copy code, one-tap or zero-tap).');
    if (buttons.some((b) => b.type === 'URL')) return reject('Authentication templates cannot contain URLs.');
    if (header && header.format !== 'TEXT') return reject('Authentication templates cannot contain media.');
    if (body?.text && (EMOJI.test(body.text) || /https?:\/\//.test(body.text))) {
      return reject('Authentication templates cannot contain URLs, media or emoji.');
    }
    return { status: 'APPROVED', category: 'AUTHENTICATION' };
  }

  for (const [label, comp, key] of [['body', body, 'body'], ['header', header, 'header']] as const) {
    if (!comp?.text) continue;
    const problems = variableProblems(comp.text, t.parameterFormat);
    if (problems.length > 0) return reject(`${label}: ${problems.join(' ')}`);
    const count = placeholders(comp.text).length;
    if (key === 'header' && count > 1) return reject('header: a text header can have at most one variable.');
    if (count > 0 && !hasExamples(comp, key, t.parameterFormat)) return reject(`${label}: every variable needs an example value.`);
  }
  if (footer?.text && placeholders(footer.text).length > 0) return reject('footer: the footer cannot contain variables.');

  // Quick replies must be grouped together, before or after the other buttons.
  const kinds = buttons.map((b) => (b.type === 'QUICK_REPLY' ? 'Q' : 'O')).join('');
  if (/Q+O+Q|O+Q+O/.test(kinds)) return reject('buttons: quick replies must be grouped before or after the other buttons.');
  for (const b of buttons) {
    if (b.type !== 'URL' || !b.url) continue;
    const vars = placeholders(b.url);
    if (vars.length > 1 || (vars.length === 1 && !/\{\{[^}]*\}\}$/.test(b.url))) {
      return reject('buttons: a URL button may have one variable, at the end of the URL.');
    }
  }

  // Since April 2025 a promotional "utility" template is approved as MARKETING.
  const category = t.category === 'UTILITY' && PROMOTIONAL.test(bodyText(t)) ? 'MARKETING' : t.category;
  return { status: 'APPROVED', category };
}
