// BUTTONS rules (whatsapp-cloud-api.md §4.3 creation rules: buttons; OTP from the category notes).

import type { LocatedComponent } from './components.ts';
import { offsetOfChar } from './component-rules.ts';
import type { ValidationContext } from './context.ts';
import { charLength, LIMITS } from './limits.ts';
import { scanPlaceholders } from './placeholders.ts';
import { plural, problem, quote, type ProblemAt } from './problems.ts';
import { asArray, asRecord, asString, get, upper } from './read.ts';

export const CHECKED_BUTTON_TYPES = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER', 'COPY_CODE', 'OTP'] as const;
export const PASS_THROUGH_BUTTON_TYPES = ['VOICE_CALL', 'MPM', 'SPM', 'FLOW', 'CATALOG'] as const;
const KNOWN = new Set<string>([...CHECKED_BUTTON_TYPES, ...PASS_THROUGH_BUTTON_TYPES]);
const OTP_TYPES = ['COPY_CODE', 'ONE_TAP', 'ZERO_TAP'];

const TYPE_LIMITS: Readonly<Record<string, number>> = {
  QUICK_REPLY: LIMITS.quickReplyMax,
  URL: LIMITS.urlButtonMax,
  PHONE_NUMBER: LIMITS.phoneButtonMax,
  COPY_CODE: LIMITS.copyCodeButtonMax,
};
const TYPE_NAMES: Readonly<Record<string, string>> = {
  QUICK_REPLY: 'quick reply',
  URL: 'URL',
  PHONE_NUMBER: 'phone number',
  COPY_CODE: 'copy code',
};
/** Types whose label the author writes and must be present. */
const NEEDS_TEXT = new Set(['QUICK_REPLY', 'URL', 'PHONE_NUMBER']);

/** E.164 with the usual punctuation allowed: optional +, a country code not starting with 0, 7–15 digits. */
export function isPlausiblePhone(value: string): boolean {
  return /^\+?[1-9][0-9]{6,14}$/.test(value.replace(/[\s().-]/g, ''));
}

function checkText(ctx: ValidationContext, b: Readonly<Record<string, unknown>>, type: string, at: ProblemAt, label: string): void {
  const text = asString(get(b, 'text'));
  const textAt: ProblemAt = { ...at, field: 'text' };
  if (text === undefined || text.trim() === '') {
    if (NEEDS_TEXT.has(type)) ctx.problems.push(problem('button.text_missing', textAt, `${label}: the button needs a label. Type the text people will tap.`));
    return;
  }
  const len = charLength(text);
  if (len > LIMITS.buttonTextMaxLength) {
    ctx.problems.push(problem('button.text_too_long', textAt, `${label}: the label is ${len} characters; the limit is ${LIMITS.buttonTextMaxLength}. Shorten it by ${len - LIMITS.buttonTextMaxLength}.`, offsetOfChar(text, LIMITS.buttonTextMaxLength)));
  }
  ctx.texts.push({ at: textAt, label, text });
}

function checkUrl(ctx: ValidationContext, b: Readonly<Record<string, unknown>>, at: ProblemAt, label: string): void {
  ctx.urlButtons.push({ at, label });
  const urlAt: ProblemAt = { ...at, field: 'url' };
  const url = asString(get(b, 'url'));
  if (url === undefined || url.trim() === '') {
    ctx.problems.push(problem('button.url_missing', urlAt, `${label}: the button needs a url starting with https://.`));
    return;
  }
  const len = charLength(url);
  if (len > LIMITS.buttonUrlMaxLength) {
    ctx.problems.push(problem('button.url_too_long', urlAt, `${label}: the URL is ${len} characters; the limit is ${LIMITS.buttonUrlMaxLength}. Shorten it by ${len - LIMITS.buttonUrlMaxLength}.`, offsetOfChar(url, LIMITS.buttonUrlMaxLength)));
  }
  if (!/^https?:\/\/[^\s/?#{}]/i.test(url)) {
    ctx.problems.push(problem('button.url_scheme', urlAt, `${label}: ${quote(url)} is not a web address. Start it with https:// (or http://) followed by the site.`, 0));
  } else {
    const space = url.search(/\s/);
    if (space >= 0) ctx.problems.push(problem('button.url_scheme', urlAt, `${label}: the URL has a space at position ${space}. Remove it or write it as %20.`, space));
  }

  const scan = scanPlaceholders(url);
  const brace = scan.braces[0];
  if (brace) {
    const b2 = brace.kind === 'unclosed' ? '"{{" is never closed' : '"}}" has no matching "{{"';
    ctx.problems.push(problem('button.url_variables', urlAt, `${label}: ${b2} at position ${brace.position}. Write the variable as {{1}} at the end of the URL.`, brace.position));
  }
  const bad = scan.tokens.find((t) => t.kind === 'invalid');
  if (bad) {
    ctx.problems.push(problem('button.url_variables', urlAt, `${label}: ${quote(bad.raw)} at position ${bad.start} is not a valid variable. Write it as {{1}}.`, bad.badAt ?? bad.start));
  }
  const second = scan.tokens[1];
  if (second) {
    ctx.problems.push(problem('button.url_variables', urlAt, `${label}: a URL can have only one variable; ${second.raw} at position ${second.start} is one too many. Keep a single {{1}} at the end.`, second.start));
  }
  const first = scan.tokens[0];
  if (first && first.end !== url.trimEnd().length) {
    ctx.problems.push(problem('button.url_variables', urlAt, `${label}: the variable ${first.raw} at position ${first.start} must be at the very end of the URL. Move it to the end.`, first.start));
  }
  const example = asArray(get(b, 'example'));
  const sample = example?.find((e) => typeof e === 'string' && e.trim() !== '');
  if (first && sample === undefined) {
    ctx.problems.push(problem('example.missing', { ...at, field: 'example' }, `${label}: the URL variable ${first.raw} (position ${first.start}) needs an example. Put a full sample URL in example, e.g. ["${url.slice(0, first.start)}abc123"].`, first.start));
  } else if (!first && example !== undefined && example.length > 0) {
    ctx.problems.push(problem('example.count_mismatch', { ...at, field: 'example' }, `${label}: example is given but the URL has no variable. Remove the example or end the URL with {{1}}.`));
  }
}

function checkPhone(ctx: ValidationContext, b: Readonly<Record<string, unknown>>, at: ProblemAt, label: string): void {
  const phoneAt: ProblemAt = { ...at, field: 'phone_number' };
  const phone = asString(get(b, 'phone_number'));
  if (phone === undefined || phone.trim() === '') {
    ctx.problems.push(problem('button.phone_missing', phoneAt, `${label}: the button needs a phone_number with the country code, e.g. +15550051310.`));
    return;
  }
  const len = charLength(phone);
  if (len > LIMITS.buttonPhoneMaxLength) {
    ctx.problems.push(problem('button.phone_too_long', phoneAt, `${label}: the phone number is ${len} characters; the limit is ${LIMITS.buttonPhoneMaxLength}. Remove spaces and punctuation.`, offsetOfChar(phone, LIMITS.buttonPhoneMaxLength)));
  }
  if (!isPlausiblePhone(phone)) {
    ctx.problems.push(problem('button.phone_invalid', phoneAt, `${label}: ${quote(phone)} does not look like an international number. Write it with the country code and 7–15 digits, e.g. +15550051310.`));
  }
}

function checkCopyCode(ctx: ValidationContext, b: Readonly<Record<string, unknown>>, at: ProblemAt, label: string): void {
  const exAt: ProblemAt = { ...at, field: 'example' };
  const raw = get(b, 'example');
  // Meta documents a string; a one-element list is read the same way.
  const example = asString(raw) ?? asString(asArray(raw)?.[0]);
  if (example === undefined || example.trim() === '') {
    ctx.problems.push(problem('button.copy_code_example', exAt, `${label}: add a sample code in example (up to ${LIMITS.copyCodeExampleMaxLength} characters), e.g. "SAVE25".`));
    return;
  }
  const len = charLength(example);
  if (len > LIMITS.copyCodeExampleMaxLength) {
    ctx.problems.push(problem('button.copy_code_example', exAt, `${label}: the sample code is ${len} characters; the limit is ${LIMITS.copyCodeExampleMaxLength}. Shorten it by ${len - LIMITS.copyCodeExampleMaxLength}.`, offsetOfChar(example, LIMITS.copyCodeExampleMaxLength)));
  }
}

function checkOtp(ctx: ValidationContext, b: Readonly<Record<string, unknown>>, at: ProblemAt, label: string): void {
  ctx.hasOtpButton = true;
  const otpType = upper(get(b, 'otp_type'));
  if (otpType === undefined || !OTP_TYPES.includes(otpType)) {
    const given = otpType === undefined || otpType === '' ? 'otp_type is missing' : `otp_type "${String(get(b, 'otp_type'))}" is not supported`;
    ctx.problems.push(problem('button.otp_type', { ...at, field: 'otp_type' }, `${label}: ${given}. Use COPY_CODE, ONE_TAP or ZERO_TAP.`));
  }
  if (ctx.category !== undefined && ctx.category !== 'AUTHENTICATION') {
    ctx.problems.push(problem('button.otp_category', at, `${label}: one-time-password buttons belong to AUTHENTICATION templates. Change the category or use a COPY_CODE button.`));
  }
}

export function checkButtons(ctx: ValidationContext, c: LocatedComponent): void {
  const listAt: ProblemAt = { path: c.path, field: 'buttons', component: 'BUTTONS' };
  const list = asArray(get(c.rec, 'buttons'));
  if (!list || list.length === 0) {
    ctx.problems.push(problem('buttons.empty', listAt, 'Buttons: add at least one button or remove the buttons component.'));
    return;
  }
  if (list.length > LIMITS.buttonsMax) {
    ctx.problems.push(problem('buttons.too_many', listAt, `Buttons: there are ${list.length} buttons; a template can have at most ${LIMITS.buttonsMax}. Remove ${plural(list.length - LIMITS.buttonsMax, 'button')}.`));
  }

  const counts = new Map<string, number>();
  let groupKind: boolean | undefined; // is the current run quick replies?
  let switches = 0;
  let groupingReported = false;

  list.forEach((item, i) => {
    const at: ProblemAt = { path: `${c.path}.buttons[${i}]`, component: 'BUTTONS' };
    const b = asRecord(item);
    const type = upper(get(b, 'type'));
    if (!b || type === undefined || !KNOWN.has(type)) {
      const what = !b ? 'is not an object' : type === undefined || type === '' ? 'has no type' : `has the unknown type "${String(get(b, 'type'))}"`;
      ctx.problems.push(problem('button.invalid', { ...at, field: b ? 'type' : undefined }, `Button ${i + 1}: the button ${what}. Use QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE or OTP.`));
      return;
    }
    const label = `Button ${i + 1} (${type})`;

    const n = (counts.get(type) ?? 0) + 1;
    counts.set(type, n);
    const max = TYPE_LIMITS[type];
    if (max !== undefined && n === max + 1) {
      ctx.problems.push(problem('buttons.too_many_of_type', at, `${label}: a template can have at most ${plural(max, `${TYPE_NAMES[type] ?? type} button`)}; this is number ${n}. Remove it or change its type.`));
    }

    const isQuickReply = type === 'QUICK_REPLY';
    if (groupKind !== undefined && groupKind !== isQuickReply) switches++;
    groupKind = isQuickReply;
    if (switches >= 2 && !groupingReported) {
      groupingReported = true;
      ctx.problems.push(problem('buttons.quick_replies_not_grouped', at, `${label}: quick replies must sit together, all before or all after the other buttons ("quick reply, URL, quick reply" is not allowed). Move this button next to its group.`));
    }

    checkText(ctx, b, type, at, label);
    if (type === 'URL') checkUrl(ctx, b, at, label);
    else if (type === 'PHONE_NUMBER') checkPhone(ctx, b, at, label);
    else if (type === 'COPY_CODE') checkCopyCode(ctx, b, at, label);
    else if (type === 'OTP') checkOtp(ctx, b, at, label);
  });
}
