import { GraphError, badParam } from '../errors.ts';
import type { TemplateRequest } from './send-request.ts';
import { type Json, isObject } from './fields.ts';
import {
  type Template,
  bodyText,
  buttonsOf,
  componentOf,
  hasOtpButton,
  placeholders,
} from './template-model.ts';

const mismatch = (details: string): GraphError => new GraphError(132012, details);
const countError = (details: string): GraphError => new GraphError(132000, details);

function paramsOf(c: Json): unknown[] {
  const p = c.parameters;
  if (p === undefined) return [];
  if (!Array.isArray(p)) throw badParam('Param template[\'components\'][\'parameters\'] must be an array.');
  return p;
}

/** Find the template a send names; the caller passes every template of the WABA with that name. */
export function findTemplate(candidates: readonly Template[], req: TemplateRequest): Template {
  const tpl = candidates.find((t) => t.language === req.languageCode && t.status !== 'DELETED');
  if (!tpl) {
    throw new GraphError(
      132001,
      `template name (${req.name}) does not exist in ${req.languageCode}`,
    );
  }
  if (tpl.status === 'PAUSED') throw new GraphError(132015, `Template ${req.name} is paused because of low quality.`);
  if (tpl.status === 'DISABLED') throw new GraphError(132016, `Template ${req.name} has been disabled because of low quality.`);
  if (tpl.status !== 'APPROVED') {
    throw new GraphError(132001, `template name (${req.name}) is not approved in ${req.languageCode} (status ${tpl.status})`);
  }
  return tpl;
}

function checkTextParams(
  given: unknown[],
  expected: string[],
  named: boolean,
  where: string,
  maxLen: number,
): void {
  if (given.length !== expected.length) {
    throw countError(`${where}: number of localizable_params (${given.length}) does not match the expected number of params (${expected.length})`);
  }
  const seen = new Set<string>();
  given.forEach((p, i) => {
    if (!isObject(p)) throw mismatch(`${where}: parameter ${i} must be an object`);
    const type = p.type;
    if (type !== 'text' && type !== 'currency' && type !== 'date_time') {
      throw mismatch(`${where}: parameter ${i} has type "${String(type)}"; expected text, currency or date_time`);
    }
    const value =
      type === 'text' ? p.text : isObject(p[type]) ? (p[type] as Json).fallback_value : undefined;
    if (typeof value !== 'string' || value.trim() === '') {
      throw new GraphError(132018, `${where}: parameter ${i} has no value`);
    }
    if (value.length > maxLen) throw new GraphError(132005, `${where}: parameter ${i} is longer than ${maxLen} characters`);
    const name = p.parameter_name;
    if (named) {
      if (typeof name !== 'string') throw mismatch(`${where}: parameter ${i} needs parameter_name (template uses named parameters)`);
      if (!expected.includes(name)) throw mismatch(`${where}: parameter_name "${name}" is not a variable of the template`);
      if (seen.has(name)) throw mismatch(`${where}: parameter_name "${name}" is repeated`);
      seen.add(name);
    } else if (name !== undefined) {
      throw mismatch(`${where}: parameter ${i} has parameter_name but the template uses positional parameters`);
    }
  });
}

/**
 * Check a template send against the approved template: component parameters (132000 count,
 * 132012 format) and BSUID reachability (131062). Returns the template's category.
 */
export function checkTemplateParameters(tpl: Template, req: TemplateRequest, toBsuid: boolean): void {
  if (toBsuid && tpl.category === 'AUTHENTICATION' && hasOtpButton(tpl)) {
    throw new GraphError(131062, 'Authentication templates with copy-code, one-tap or zero-tap buttons need a phone number recipient.');
  }
  const named = tpl.parameterFormat === 'NAMED';
  const byType = (t: string): Json[] => req.components.filter((c) => String(c.type).toLowerCase() === t);

  // Header
  const header = componentOf(tpl, 'HEADER');
  const headerGiven = byType('header');
  const headerParams = headerGiven.flatMap(paramsOf);
  if (!header || header.format === undefined || header.format === 'TEXT') {
    checkTextParams(headerParams, placeholders(header?.text), named, 'header', 60);
  } else {
    const want = header.format === 'GIF' ? 'video' : header.format.toLowerCase();
    if (headerParams.length !== 1) {
      throw countError(`header: expected 1 ${want} parameter, got ${headerParams.length}`);
    }
    const p = headerParams[0];
    if (!isObject(p) || p.type !== want || !isObject(p[want])) {
      throw mismatch(`header: expected a parameter of type ${want}`);
    }
  }

  // Body
  const bodyParams = byType('body').flatMap(paramsOf);
  const bodyOnly = tpl.components.every((c) => c.type === 'BODY');
  const bodyMax = tpl.category === 'AUTHENTICATION' ? 15 : bodyOnly ? 32_768 : 1024;
  checkTextParams(bodyParams, placeholders(bodyText(tpl)), named, 'body', bodyMax);

  // Buttons
  const buttons = buttonsOf(tpl);
  const givenButtons = byType('button');
  const usedIndexes = new Set<number>();
  for (const g of givenButtons) {
    const index = Number(g.index);
    if (!Number.isInteger(index) || index < 0 || index >= buttons.length) {
      throw mismatch(`button: index ${String(g.index)} does not match a button of the template`);
    }
    if (usedIndexes.has(index)) throw mismatch(`button: index ${index} is repeated`);
    usedIndexes.add(index);
    const btn = buttons[index];
    const sub = String(g.sub_type ?? '').toLowerCase();
    const expectedSub =
      btn?.type === 'OTP' ? 'url' : btn?.type === 'QUICK_REPLY' ? 'quick_reply' : String(btn?.type).toLowerCase();
    if (sub !== expectedSub) throw mismatch(`button ${index}: sub_type "${sub}" does not match the template button (${expectedSub})`);
    const params = paramsOf(g);
    if (params.length > 1) throw countError(`button ${index}: expected at most 1 parameter, got ${params.length}`);
    const p = params[0];
    if (p === undefined) continue;
    if (!isObject(p)) throw mismatch(`button ${index}: parameter must be an object`);
    const okType = sub === 'quick_reply' ? 'payload' : sub === 'copy_code' ? 'coupon_code' : 'text';
    if (p.type !== okType || typeof p[okType] !== 'string') throw mismatch(`button ${index}: expected a ${okType} parameter`);
  }
  buttons.forEach((b, i) => {
    const needsParam =
      (b.type === 'URL' && placeholders(b.url).length > 0) || b.type === 'COPY_CODE' || b.type === 'OTP';
    const given = givenButtons.find((g) => Number(g.index) === i);
    if (needsParam && (!given || paramsOf(given).length === 0)) {
      throw countError(`button ${i}: the template's ${b.type} button needs a parameter`);
    }
  });
}
