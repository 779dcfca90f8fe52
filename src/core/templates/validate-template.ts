// validateTemplate: every authoring rule of whatsapp-cloud-api.md §4.3 over a definition of any shape.
// Pure, total and linear in the size of the input, so the editor can call it on every keystroke.

import { checkAuthentication } from './auth-rules.ts';
import { checkButtons } from './button-rules.ts';
import { checkBody, checkFooter, checkHeader } from './component-rules.ts';
import { isComponentKind, locateComponents, PASS_THROUGH_COMPONENTS } from './components.ts';
import { newContext, type ValidationContext } from './context.ts';
import { checkDuplicateWording } from './duplicate-rules.ts';
import { isTemplateLanguage, suggestTemplateLanguage } from './languages.ts';
import { charLength, LIMITS } from './limits.ts';
import { COMPONENT_LABEL, problem, quote } from './problems.ts';
import { asArray, asRecord, get, upper, type Rec } from './read.ts';
import type { ParameterFormat, TemplateCategory, TemplateProblem, ValidateOptions } from './types.ts';

const CATEGORIES: readonly TemplateCategory[] = ['MARKETING', 'UTILITY', 'AUTHENTICATION'];
const LEGACY_CATEGORIES: Readonly<Record<string, TemplateCategory>> = { TRANSACTIONAL: 'UTILITY', OTP: 'AUTHENTICATION' };

function checkName(rec: Rec, out: TemplateProblem[]): void {
  const name = get(rec, 'name');
  if (typeof name !== 'string' || name === '') {
    out.push(problem('name.missing', { path: 'name' }, 'Name: give the template a name, e.g. order_update (lowercase letters, digits and _).'));
    return;
  }
  const bad = name.search(/[^a-z0-9_]/);
  if (bad >= 0) {
    const ch = [...name.slice(bad)][0] ?? '';
    const hint = /[A-Z]/.test(ch) ? 'Use lowercase letters' : /\s|-/.test(ch) ? 'Use _ instead of spaces and dashes' : 'Use only lowercase letters, digits and _';
    out.push(problem('name.invalid_characters', { path: 'name' }, `Name: "${ch}" at position ${bad} is not allowed. ${hint}, e.g. ${quote(name.toLowerCase().replace(/[\s-]+/g, '_').replace(/[^a-z0-9_]/g, ''))}.`, bad));
  }
  const len = charLength(name);
  if (len > LIMITS.nameMaxLength) {
    out.push(problem('name.too_long', { path: 'name' }, `Name: the name is ${len} characters; the limit is ${LIMITS.nameMaxLength}. Shorten it by ${len - LIMITS.nameMaxLength}.`, LIMITS.nameMaxLength));
  }
}

function checkLanguage(rec: Rec, out: TemplateProblem[]): void {
  const language = get(rec, 'language');
  if (typeof language !== 'string' || language.trim() === '') {
    out.push(problem('language.missing', { path: 'language' }, 'Language: choose the template language, e.g. en_US or es.'));
    return;
  }
  if (!isTemplateLanguage(language)) {
    const guess = suggestTemplateLanguage(language);
    const hint = guess ? `Did you mean ${guess}?` : 'Pick one from the list, e.g. en_US, es or pt_BR.';
    out.push(problem('language.unknown', { path: 'language' }, `Language: ${quote(language)} is not a WhatsApp template language code. ${hint}`));
  }
}

function checkCategory(rec: Rec, out: TemplateProblem[]): TemplateCategory | undefined {
  const raw = get(rec, 'category');
  const category = upper(raw);
  if (category === undefined || category === '') {
    out.push(problem('category.missing', { path: 'category' }, 'Category: choose MARKETING, UTILITY or AUTHENTICATION.'));
    return undefined;
  }
  if ((CATEGORIES as readonly string[]).includes(category) && raw === category) return category as TemplateCategory;
  if ((CATEGORIES as readonly string[]).includes(category)) {
    out.push(problem('category.invalid', { path: 'category' }, `Category: write it in capitals, ${category}.`));
    return category as TemplateCategory;
  }
  const legacy = LEGACY_CATEGORIES[category];
  const hint = legacy ? `${category} is a pre-2023 category; use ${legacy}.` : 'Use MARKETING, UTILITY or AUTHENTICATION.';
  out.push(problem('category.invalid', { path: 'category' }, `Category: ${quote(String(raw))} is not a template category. ${hint}`));
  return undefined;
}

function checkParameterFormat(rec: Rec, out: TemplateProblem[]): ParameterFormat {
  const raw = get(rec, 'parameter_format');
  if (raw === undefined || raw === null) return 'positional';
  const v = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
  if (v === 'positional' || v === 'named') return v;
  out.push(problem('parameter_format.invalid', { path: 'parameter_format' }, `Parameter format: ${quote(String(raw))} is not valid. Use positional ({{1}}, {{2}}…) or named ({{first_name}}).`));
  return 'positional';
}

function checkComponentList(ctx: ValidationContext, list: readonly unknown[]): void {
  const seen = new Set<string>();
  list.forEach((item, index) => {
    const path = `components[${index}]`;
    const rec = asRecord(item);
    const type = upper(get(rec, 'type'));
    if (!rec || type === undefined || (!isComponentKind(type) && !PASS_THROUGH_COMPONENTS.includes(type))) {
      const what = !rec ? 'is not an object' : type === undefined || type === '' ? 'has no type' : `has the unknown type ${quote(String(get(rec, 'type')))}`;
      ctx.problems.push(problem('component.invalid', { path, field: rec ? 'type' : undefined }, `Component ${index + 1}: the component ${what}. Use HEADER, BODY, FOOTER or BUTTONS.`));
      return;
    }
    if (!isComponentKind(type)) return;
    if (seen.has(type)) {
      const label = COMPONENT_LABEL[type];
      ctx.problems.push(problem('component.duplicate', { path, component: type }, `${label}: a template can have only one ${type} component; this is a second one. Merge it into the first or remove it.`));
    }
    seen.add(type);
  });
}

function run(def: unknown, options: ValidateOptions): TemplateProblem[] {
  const rec = asRecord(def);
  if (!rec) {
    return [problem('template.not_object', { path: '' }, 'Template: the definition must be an object with name, language, category and components.')];
  }
  const head: TemplateProblem[] = [];
  checkName(rec, head);
  checkLanguage(rec, head);
  const category = checkCategory(rec, head);
  const format = checkParameterFormat(rec, head);
  const ctx = newContext(category, format);
  ctx.problems.push(...head);

  const list = asArray(get(rec, 'components'));
  if (!list) {
    ctx.problems.push(problem('components.missing', { path: 'components' }, 'Components: add a components list with at least a BODY.'));
    return ctx.problems;
  }
  checkComponentList(ctx, list);
  const located = locateComponents(def);
  if (located.HEADER) checkHeader(ctx, located.HEADER);
  if (located.BODY) checkBody(ctx, located.BODY);
  else ctx.problems.push(problem('body.missing', { path: 'components' }, 'Body: every template needs a BODY component with the message text. Add one.'));
  if (located.FOOTER) checkFooter(ctx, located.FOOTER);
  if (located.BUTTONS) checkButtons(ctx, located.BUTTONS);
  if (category === 'AUTHENTICATION') checkAuthentication(ctx, located);
  else ctx.problems.push(...checkDuplicateWording(def, options.existing));
  return ctx.problems;
}

/**
 * Every problem Meta would reject `def` for, as far as whatsapp-cloud-api.md documents, in the
 * order they appear in the definition. `[]` means nothing known stands in the way. Never throws.
 */
export function validateTemplate(def: unknown, options: ValidateOptions = {}): TemplateProblem[] {
  try {
    return run(def, options ?? {});
  } catch (err) {
    // Reading a hostile object (a throwing getter, a Proxy) is the only way here; report, do not crash the editor.
    const reason = err instanceof Error ? err.message : String(err);
    return [problem('template.internal_error', { path: '' }, `Template: the definition could not be checked (${reason}). Fix its structure and try again.`)];
  }
}
