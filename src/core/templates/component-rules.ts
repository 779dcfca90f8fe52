// HEADER, BODY and FOOTER rules (whatsapp-cloud-api.md §4.3 creation rules: header, body, footer).

import type { LocatedComponent } from './components.ts';
import { checkExamples } from './example-rules.ts';
import { charLength, LIMITS } from './limits.ts';
import { scanPlaceholders } from './placeholders.ts';
import { problem, type ProblemAt } from './problems.ts';
import { asArray, asRecord, asString, get, str, upper } from './read.ts';
import type { ValidationContext } from './context.ts';
import { checkVariableText } from './variable-rules.ts';

const MEDIA_FORMATS = ['IMAGE', 'VIDEO', 'DOCUMENT', 'GIF'] as const;
const HEADER_FORMATS = ['TEXT', ...MEDIA_FORMATS, 'LOCATION'] as const;

/** UTF-16 offset of the code point number `n` (0-based), i.e. the first character past a limit. */
export function offsetOfChar(text: string, n: number): number {
  let count = 0;
  let offset = 0;
  for (const ch of text) {
    if (count === n) return offset;
    count++;
    offset += ch.length;
  }
  return offset;
}

function checkLength(
  ctx: ValidationContext,
  code: 'header.too_long' | 'body.too_long' | 'footer.too_long',
  at: ProblemAt,
  label: string,
  text: string,
  max: number,
): void {
  const len = charLength(text);
  if (len > max) {
    ctx.problems.push(problem(code, at, `${label}: the text is ${len} characters; the limit is ${max}. Shorten it by ${len - max}.`, offsetOfChar(text, max)));
  }
}

/** Runs the variable and example rules on one header/body text and records what the later rules need. */
function checkTextWithVariables(ctx: ValidationContext, c: LocatedComponent, kind: 'HEADER' | 'BODY', text: string): number {
  const label = kind === 'HEADER' ? 'Header' : 'Body';
  const at: ProblemAt = { path: c.path, field: 'text', component: kind };
  const vars = checkVariableText(text, { at, label, format: ctx.format, checkRatio: kind === 'BODY' });
  ctx.problems.push(...vars.problems);
  const examples = checkExamples(vars.variables, {
    at: { path: c.path, component: kind },
    label,
    format: ctx.format,
    example: get(c.rec, 'example'),
    positionalKey: kind === 'HEADER' ? 'header_text' : 'body_text',
    namedKey: kind === 'HEADER' ? 'header_text_named_params' : 'body_text_named_params',
  });
  ctx.problems.push(...examples.problems);
  for (const v of vars.variables) {
    const value = examples.values.get(v.key);
    if (value !== undefined) ctx.exampleValues.push({ at: { path: c.path, field: 'example', component: kind }, label, raw: v.raw, position: v.start, value });
  }
  ctx.texts.push({ at, label, text });
  return vars.allVariables.length;
}

export function checkHeader(ctx: ValidationContext, c: LocatedComponent): void {
  const at: ProblemAt = { path: c.path, component: 'HEADER' };
  const rawFormat = get(c.rec, 'format');
  const format = upper(rawFormat);
  ctx.headerFormat = format;
  if (format === undefined || !(HEADER_FORMATS as readonly string[]).includes(format)) {
    const given = typeof rawFormat === 'string' && rawFormat.trim() !== '' ? `format "${rawFormat}" is not supported` : 'the format is missing';
    ctx.problems.push(problem('header.format_invalid', { ...at, field: 'format' }, `Header: ${given}. Use TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION.`));
    return;
  }
  if (format === 'TEXT') {
    const text = str(c.rec, 'text');
    if (text === undefined || text.trim() === '') {
      ctx.problems.push(problem('header.text_missing', { ...at, field: 'text' }, 'Header: a TEXT header needs text. Type the header or remove it.'));
      return;
    }
    checkLength(ctx, 'header.too_long', { ...at, field: 'text' }, 'Header', text, LIMITS.headerTextMaxLength);
    checkTextWithVariables(ctx, c, 'HEADER', text);
    const extra = scanPlaceholders(text).tokens.filter((t) => t.kind !== 'invalid')[LIMITS.headerTextMaxVariables];
    if (extra) {
      ctx.problems.push(problem('header.too_many_variables', { ...at, field: 'text' }, `Header: a text header can have only one variable; ${extra.raw} at position ${extra.start} is one too many. Move it to the body.`, extra.start));
    }
    return;
  }
  if (format === 'LOCATION') {
    if (ctx.category === 'AUTHENTICATION') {
      ctx.problems.push(problem('header.location_category', { ...at, field: 'format' }, 'Header: LOCATION headers are only for UTILITY and MARKETING templates. Remove the header or change the category.'));
    }
    return;
  }
  const handles = asArray(get(asRecord(get(c.rec, 'example')), 'header_handle'));
  const handle = handles?.find((h) => typeof h === 'string' && h.trim() !== '');
  if (handle === undefined) {
    ctx.problems.push(problem('header.media_example_missing', { ...at, field: 'example.header_handle' }, `Header: the ${format} header needs a sample file. Upload one with the Resumable Upload API and put its handle in example.header_handle.`));
  }
}

export function checkBody(ctx: ValidationContext, c: LocatedComponent): void {
  const at: ProblemAt = { path: c.path, field: 'text', component: 'BODY' };
  const text = asString(get(c.rec, 'text'));
  if (text === undefined || text.trim() === '') {
    // AUTHENTICATION bodies carry Meta's fixed wording; the definition may leave text out.
    if (ctx.category === 'AUTHENTICATION' && text === undefined) return;
    ctx.problems.push(problem('body.text_missing', at, 'Body: the body needs text. Type the message.'));
    return;
  }
  ctx.bodyText = text;
  checkLength(ctx, 'body.too_long', at, 'Body', text, LIMITS.bodyMaxLength);
  checkTextWithVariables(ctx, c, 'BODY', text);
}

export function checkFooter(ctx: ValidationContext, c: LocatedComponent): void {
  const at: ProblemAt = { path: c.path, field: 'text', component: 'FOOTER' };
  const text = asString(get(c.rec, 'text'));
  if (text === undefined || text.trim() === '') {
    // AUTHENTICATION footers may carry only code_expiration_minutes.
    if (ctx.category === 'AUTHENTICATION' && text === undefined) return;
    ctx.problems.push(problem('footer.text_missing', at, 'Footer: the footer needs text. Type it or remove the footer.'));
    return;
  }
  ctx.footerText = text;
  checkLength(ctx, 'footer.too_long', at, 'Footer', text, LIMITS.footerMaxLength);
  const scan = scanPlaceholders(text);
  const firstToken = scan.tokens[0];
  const firstBrace = scan.braces[0];
  if (firstToken) {
    ctx.problems.push(problem('footer.variables', at, `Footer: footers cannot contain variables. Remove ${firstToken.raw} at position ${firstToken.start} or move it to the body.`, firstToken.start));
  } else if (firstBrace) {
    const b = firstBrace.kind === 'unclosed' ? '{{' : '}}';
    ctx.problems.push(problem('footer.variables', at, `Footer: footers cannot contain variables. Remove "${b}" at position ${firstBrace.position}.`, firstBrace.position));
  }
  ctx.texts.push({ at, label: 'Footer', text });
}
