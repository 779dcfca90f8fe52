// Rule table: for each rule of whatsapp-cloud-api.md §4.3 (and our own guards) a definition that
// passes (no problems at all) and one that fails, with the problem we expect. Rows change one thing
// from a valid template. validate-template.test.ts runs them and checks every rule has a row.

import type { TemplateProblemCode } from '../../../../src/core/templates/rules.ts';
import type { ComponentKind, ValidateOptions } from '../../../../src/core/templates/types.ts';
import {
  auth, body, BODY_TEXT, buttons, copyCode, footer, marketing, namedBody, otp, phoneButton, qr, textHeader, tpl, urlButton,
  type Json,
} from './builders.ts';

export interface RuleRow {
  code: TemplateProblemCode;
  title: string;
  pass: unknown;
  passOptions?: ValidateOptions;
  fail: unknown;
  failOptions?: ValidateOptions;
  expect: {
    path: string;
    field?: string;
    component?: ComponentKind;
    position?: number;
    /** Meta's error code, as §2.2 names it. */
    metaCode?: number;
    message: string;
  };
}

const BODY_AT = { path: 'components[0]', field: 'text', component: 'BODY' } as const;
const named = { parameter_format: 'named' };
const at = (text: string, needle: string, from = 0): number => {
  const i = text.indexOf(needle, from);
  if (i < 0) throw new Error(`${needle} not in ${text}`);
  return i;
};

// ---------------------------------------------------------------------------------------------
// Template, name, language, category, parameter_format, component list
// ---------------------------------------------------------------------------------------------
const throwing = { ...tpl() } as Json;
Object.defineProperty(throwing, 'name', { enumerable: true, get: () => { throw new Error('boom'); } });

export const topLevelRows: RuleRow[] = [
  {
    code: 'template.not_object', title: 'the definition is not an object',
    pass: tpl(), fail: null,
    expect: { path: '', message: 'Template: the definition must be an object with name, language, category and components.' },
  },
  {
    code: 'template.internal_error', title: 'a hostile object (throwing getter) is reported, not thrown',
    pass: tpl(), fail: throwing,
    expect: { path: '', message: 'Template: the definition could not be checked (boom). Fix its structure and try again.' },
  },
  {
    code: 'name.missing', title: 'name is required',
    pass: tpl(), fail: tpl(undefined, { name: '' }),
    expect: { path: 'name', message: 'Name: give the template a name, e.g. order_update (lowercase letters, digits and _).' },
  },
  {
    code: 'name.invalid_characters', title: 'name is lowercase a-z, 0-9 and _',
    pass: tpl(undefined, { name: 'order_update_2' }), fail: tpl(undefined, { name: 'order-Update' }),
    expect: { path: 'name', position: 5, message: 'Name: "-" at position 5 is not allowed. Use _ instead of spaces and dashes, e.g. "order_update".' },
  },
  {
    code: 'name.invalid_characters', title: 'capital letters in the name',
    pass: tpl(undefined, { name: 'a1_b2' }), fail: tpl(undefined, { name: 'Order' }),
    expect: { path: 'name', position: 0, message: 'Name: "O" at position 0 is not allowed. Use lowercase letters, e.g. "order".' },
  },
  {
    code: 'name.too_long', title: 'name ≤ 512 characters',
    pass: tpl(undefined, { name: 'a'.repeat(512) }), fail: tpl(undefined, { name: 'a'.repeat(513) }),
    expect: { path: 'name', position: 512, metaCode: 2388040, message: 'Name: the name is 513 characters; the limit is 512. Shorten it by 1.' },
  },
  {
    code: 'language.missing', title: 'language is required',
    pass: tpl(), fail: tpl(undefined, { language: undefined }),
    expect: { path: 'language', message: 'Language: choose the template language, e.g. en_US or es.' },
  },
  {
    code: 'language.unknown', title: 'language from Meta’s list (webhook spelling en-US suggested as en_US)',
    pass: tpl(undefined, { language: 'pt_BR' }), fail: tpl(undefined, { language: 'en-US' }),
    expect: { path: 'language', message: 'Language: "en-US" is not a WhatsApp template language code. Did you mean en_US?' },
  },
  {
    code: 'language.unknown', title: 'a code that is not on the list at all',
    pass: tpl(undefined, { language: 'fil' }), fail: tpl(undefined, { language: 'xx_YY' }),
    expect: { path: 'language', message: 'Language: "xx_YY" is not a WhatsApp template language code. Pick one from the list, e.g. en_US, es or pt_BR.' },
  },
  {
    code: 'category.missing', title: 'category is required',
    pass: tpl(), fail: tpl(undefined, { category: undefined }),
    expect: { path: 'category', message: 'Category: choose MARKETING, UTILITY or AUTHENTICATION.' },
  },
  {
    code: 'category.invalid', title: 'legacy category TRANSACTIONAL',
    pass: tpl(undefined, { category: 'MARKETING' }), fail: tpl(undefined, { category: 'TRANSACTIONAL' }),
    expect: { path: 'category', message: 'Category: "TRANSACTIONAL" is not a template category. TRANSACTIONAL is a pre-2023 category; use UTILITY.' },
  },
  {
    code: 'category.invalid', title: 'category in lower case',
    pass: tpl(undefined, { category: 'UTILITY' }), fail: tpl(undefined, { category: 'utility' }),
    expect: { path: 'category', message: 'Category: write it in capitals, UTILITY.' },
  },
  {
    code: 'parameter_format.invalid', title: 'parameter_format is positional or named',
    pass: tpl([namedBody('Hi {{first_name}}, your order has shipped today.', { first_name: 'Ana' })], named),
    fail: tpl(undefined, { parameter_format: 'numbered' }),
    expect: { path: 'parameter_format', message: 'Parameter format: "numbered" is not valid. Use positional ({{1}}, {{2}}…) or named ({{first_name}}).' },
  },
  {
    code: 'components.missing', title: 'components is a list',
    pass: tpl(), fail: tpl(undefined, { components: 'body' }),
    expect: { path: 'components', message: 'Components: add a components list with at least a BODY.' },
  },
  {
    code: 'component.invalid', title: 'unknown component type (LIMITED_TIME_OFFER passes through)',
    pass: marketing([body(BODY_TEXT), { type: 'LIMITED_TIME_OFFER', limited_time_offer: { text: 'Ends soon' } }]),
    fail: tpl([body(BODY_TEXT), { type: 'FOOTNOTE' }]),
    expect: { path: 'components[1]', field: 'type', message: 'Component 2: the component has the unknown type "FOOTNOTE". Use HEADER, BODY, FOOTER or BUTTONS.' },
  },
  {
    code: 'component.duplicate', title: 'at most one footer',
    pass: tpl([body(BODY_TEXT), footer('Acme Store')]), fail: tpl([body(BODY_TEXT), footer('Acme'), footer('Store')]),
    expect: { path: 'components[2]', component: 'FOOTER', message: 'Footer: a template can have only one FOOTER component; this is a second one. Merge it into the first or remove it.' },
  },
  {
    code: 'component.duplicate', title: 'at most one header',
    pass: tpl([textHeader('Order news'), body(BODY_TEXT)]), fail: tpl([textHeader('Order news'), textHeader('More news'), body(BODY_TEXT)]),
    expect: { path: 'components[1]', component: 'HEADER', message: 'Header: a template can have only one HEADER component; this is a second one. Merge it into the first or remove it.' },
  },
];

// ---------------------------------------------------------------------------------------------
// Header, body, footer
// ---------------------------------------------------------------------------------------------
const tooManyHeader = 'Order {{1}} for {{2}} today';
export const componentRows: RuleRow[] = [
  {
    code: 'body.missing', title: 'a body is required',
    pass: tpl([body(BODY_TEXT), footer('Acme')]), fail: tpl([footer('Acme')]),
    expect: { path: 'components', message: 'Body: every template needs a BODY component with the message text. Add one.' },
  },
  {
    code: 'component.duplicate', title: 'a second body is one too many (exactly once)',
    pass: tpl([body(BODY_TEXT)]), fail: tpl([body(BODY_TEXT), body('Second body text here.')]),
    expect: { path: 'components[1]', component: 'BODY', message: 'Body: a template can have only one BODY component; this is a second one. Merge it into the first or remove it.' },
  },
  {
    code: 'body.text_missing', title: 'body needs text (AUTHENTICATION excepted, see auth rows)',
    pass: tpl([body('Hello, thanks for your order.')]), fail: tpl([body('   ')]),
    expect: { ...BODY_AT, message: 'Body: the body needs text. Type the message.' },
  },
  {
    code: 'body.too_long', title: 'body ≤ 1024 characters',
    pass: tpl([body('x'.repeat(1024))]), fail: tpl([body('x'.repeat(1025))]),
    expect: { ...BODY_AT, position: 1024, metaCode: 2388040, message: 'Body: the text is 1025 characters; the limit is 1024. Shorten it by 1.' },
  },
  {
    code: 'header.format_invalid', title: 'header format from the documented list',
    pass: tpl([{ type: 'HEADER', format: 'LOCATION' }, body(BODY_TEXT)]),
    fail: tpl([{ type: 'HEADER', format: 'AUDIO' }, body(BODY_TEXT)]),
    expect: { path: 'components[0]', field: 'format', component: 'HEADER', metaCode: 2388047, message: 'Header: format "AUDIO" is not supported. Use TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION.' },
  },
  {
    code: 'header.text_missing', title: 'a TEXT header needs text',
    pass: tpl([textHeader('Order news'), body(BODY_TEXT)]), fail: tpl([{ type: 'HEADER', format: 'TEXT' }, body(BODY_TEXT)]),
    expect: { path: 'components[0]', field: 'text', component: 'HEADER', metaCode: 2388047, message: 'Header: a TEXT header needs text. Type the header or remove it.' },
  },
  {
    code: 'header.too_long', title: 'header text ≤ 60 characters',
    pass: tpl([textHeader('x'.repeat(60)), body(BODY_TEXT)]), fail: tpl([textHeader('x'.repeat(61)), body(BODY_TEXT)]),
    expect: { path: 'components[0]', field: 'text', component: 'HEADER', position: 60, metaCode: 2388040, message: 'Header: the text is 61 characters; the limit is 60. Shorten it by 1.' },
  },
  {
    code: 'header.too_long', title: 'lengths count characters, not UTF-16 units (60 emoji pass, 61 fail at offset 120)',
    pass: tpl([textHeader('🎉'.repeat(60)), body(BODY_TEXT)]), fail: tpl([textHeader('🎉'.repeat(61)), body(BODY_TEXT)]),
    expect: { path: 'components[0]', field: 'text', component: 'HEADER', position: 120, metaCode: 2388040, message: 'Header: the text is 61 characters; the limit is 60. Shorten it by 1.' },
  },
  {
    code: 'header.too_many_variables', title: 'a text header has at most one variable',
    pass: tpl([textHeader('Order {{1}} update', ['A-1']), body(BODY_TEXT)]),
    fail: tpl([textHeader(tooManyHeader, ['A-1', 'Ana']), body(BODY_TEXT)]),
    expect: { path: 'components[0]', field: 'text', component: 'HEADER', position: at(tooManyHeader, '{{2}}'), metaCode: 2388047, message: 'Header: a text header can have only one variable; {{2}} at position 16 is one too many. Move it to the body.' },
  },
  {
    code: 'header.media_example_missing', title: 'a media header needs example.header_handle',
    pass: tpl([{ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2U='] } }, body(BODY_TEXT)]),
    fail: tpl([{ type: 'HEADER', format: 'IMAGE' }, body(BODY_TEXT)]),
    expect: { path: 'components[0]', field: 'example.header_handle', component: 'HEADER', message: 'Header: the IMAGE header needs a sample file. Upload one with the Resumable Upload API and put its handle in example.header_handle.' },
  },
  {
    code: 'header.media_example_missing', title: 'an empty handle list is no handle (DOCUMENT)',
    pass: tpl([{ type: 'HEADER', format: 'DOCUMENT', example: { header_handle: ['4::ZG9j'] } }, body(BODY_TEXT)]),
    fail: tpl([{ type: 'HEADER', format: 'DOCUMENT', example: { header_handle: [] } }, body(BODY_TEXT)]),
    expect: { path: 'components[0]', field: 'example.header_handle', component: 'HEADER', message: 'Header: the DOCUMENT header needs a sample file. Upload one with the Resumable Upload API and put its handle in example.header_handle.' },
  },
  {
    code: 'header.location_category', title: 'LOCATION header only for UTILITY/MARKETING',
    pass: marketing([{ type: 'HEADER', format: 'LOCATION' }, body(BODY_TEXT)]),
    fail: auth([{ type: 'HEADER', format: 'LOCATION' }, { type: 'BODY' }, buttons(otp())]),
    expect: { path: 'components[0]', field: 'format', component: 'HEADER', message: 'Header: LOCATION headers are only for UTILITY and MARKETING templates. Remove the header or change the category.' },
  },
  {
    code: 'footer.text_missing', title: 'a footer needs text',
    pass: tpl([body(BODY_TEXT), footer('Acme Store')]), fail: tpl([body(BODY_TEXT), { type: 'FOOTER' }]),
    expect: { path: 'components[1]', field: 'text', component: 'FOOTER', metaCode: 2388047, message: 'Footer: the footer needs text. Type it or remove the footer.' },
  },
  {
    code: 'footer.too_long', title: 'footer ≤ 60 characters',
    pass: tpl([body(BODY_TEXT), footer('f'.repeat(60))]), fail: tpl([body(BODY_TEXT), footer('f'.repeat(62))]),
    expect: { path: 'components[1]', field: 'text', component: 'FOOTER', position: 60, metaCode: 2388040, message: 'Footer: the text is 62 characters; the limit is 60. Shorten it by 2.' },
  },
  {
    code: 'footer.variables', title: 'footers have no variables',
    pass: tpl([body(BODY_TEXT), footer('Reply STOP to opt out')]), fail: tpl([body(BODY_TEXT), footer('Reply {{1}} to opt out')]),
    expect: { path: 'components[1]', field: 'text', component: 'FOOTER', position: 6, metaCode: 2388047, message: 'Footer: footers cannot contain variables. Remove {{1}} at position 6 or move it to the body.' },
  },
  {
    code: 'footer.variables', title: 'a half-typed variable in a footer',
    pass: tpl([body(BODY_TEXT), footer('Acme {Store}')]), fail: tpl([body(BODY_TEXT), footer('Reply {{ to stop')]),
    expect: { path: 'components[1]', field: 'text', component: 'FOOTER', position: 6, metaCode: 2388047, message: 'Footer: footers cannot contain variables. Remove "{{" at position 6.' },
  },
];

// ---------------------------------------------------------------------------------------------
// Variables in texts (positional var, named var, placement)
// ---------------------------------------------------------------------------------------------
const trailing = 'Thanks for your order, we will ship it soon. Your tracking code is {{1}}  ';
const adjacent = 'Hi {{1}} {{2}}, your order has shipped today.';
const repeated = 'Hi {{1}}, order {{2}} is ready, {{1}}, come pick it up.';
const sequence = 'Hi {{1}}, order {{3}} ships today from our store.';
const junk = 'Your code {{#1}} is ready for pickup today.';

export const variableRows: RuleRow[] = [
  {
    code: 'variable.unbalanced_braces', title: '{{ without }}',
    pass: tpl([body('Hello {{1}} and welcome to our store today.', ['Ana'])]),
    fail: tpl([body('Hello {{1 and welcome to our store today.')]),
    expect: { ...BODY_AT, position: 6, metaCode: 2388047, message: 'Body: "{{" at position 6 is never closed. Close it with "}}" or remove it.' },
  },
  {
    code: 'variable.unbalanced_braces', title: '}} without {{',
    pass: tpl([body('Hello {{1}} and welcome to our store today.', ['Ana'])]),
    fail: tpl([body('Hello {1}} and welcome to our store today.')]),
    expect: { ...BODY_AT, position: 8, metaCode: 2388047, message: 'Body: "}}" at position 8 has no matching "{{". Add "{{" before it or remove it.' },
  },
  {
    code: 'variable.invalid', title: 'no # inside braces',
    pass: tpl([body('Your code {{1}} is ready for pickup today.', ['A-1'])]), fail: tpl([body(junk)]),
    expect: { ...BODY_AT, position: at(junk, '#'), metaCode: 2388047, message: 'Body: "{{#1}}" at position 10 has "#" at position 12, which is not allowed inside braces. Use {{1}}, {{2}}… or a lowercase name such as {{first_name}}.' },
  },
  {
    code: 'variable.invalid', title: 'no $ inside braces',
    pass: tpl([body('Your total is {{1}} for this week.', ['10'])]), fail: tpl([body('Your total is {{1$}} for this week.')]),
    expect: { ...BODY_AT, position: 17, metaCode: 2388047, message: 'Body: "{{1$}}" at position 14 has "$" at position 17, which is not allowed inside braces. Use {{1}}, {{2}}… or a lowercase name such as {{first_name}}.' },
  },
  {
    code: 'variable.invalid', title: 'no % inside braces',
    pass: tpl([body('You save {{1}} on this order today.', ['10%'])]), fail: tpl([body('You save {{%1}} on this order today.')]),
    expect: { ...BODY_AT, position: 11, metaCode: 2388047, message: 'Body: "{{%1}}" at position 9 has "%" at position 11, which is not allowed inside braces. Use {{1}}, {{2}}… or a lowercase name such as {{first_name}}.' },
  },
  {
    code: 'variable.invalid', title: 'no spaces inside braces',
    pass: tpl([body('Hello {{1}}, welcome back to the store.', ['Ana'])]), fail: tpl([body('Hello {{ 1 }}, welcome back to the store.')]),
    expect: { ...BODY_AT, position: 8, metaCode: 2388047, message: 'Body: "{{ 1 }}" at position 6 has a space at position 8. Use {{1}}, {{2}}… or a lowercase name such as {{first_name}}.' },
  },
  {
    code: 'variable.invalid', title: 'named variables are lowercase',
    pass: tpl([namedBody('Hello {{first_name}}, welcome back to the store.', { first_name: 'Ana' })], named),
    fail: tpl([body('Hello {{First_name}}, welcome back to the store.')], named),
    expect: { ...BODY_AT, position: 8, metaCode: 2388047, message: 'Body: "{{First_name}}" at position 6 has the capital letter "F" at position 8. Use {{1}}, {{2}}… or a lowercase name such as {{first_name}}.' },
  },
  {
    code: 'variable.invalid', title: 'numbering starts at 1',
    pass: tpl([body('Hello {{1}}, welcome back to the store.', ['Ana'])]), fail: tpl([body('Hello {{0}}, welcome back to the store.')]),
    expect: { ...BODY_AT, position: 8, metaCode: 2388047, message: 'Body: "{{0}}" at position 6 is not a number from 1 up (no 0, no leading zeros). Use {{1}}, {{2}}… or a lowercase name such as {{first_name}}.' },
  },
  {
    code: 'variable.wrong_format', title: 'a named variable in a positional template',
    pass: tpl([namedBody('Hi {{first_name}}, your order has shipped today.', { first_name: 'Ana' })], named),
    fail: tpl([namedBody('Hi {{first_name}}, your order has shipped today.', { first_name: 'Ana' })]),
    expect: { ...BODY_AT, position: 3, metaCode: 2388047, message: 'Body: {{first_name}} at position 3 is a named variable, but this template uses positional variables ({{1}}, {{2}}…). Use a number, or set parameter_format to named.' },
  },
  {
    code: 'variable.wrong_format', title: 'header and body use the same (declared) style',
    pass: tpl([{ type: 'HEADER', format: 'TEXT', text: 'Order {{order_id}} news', example: { header_text_named_params: [{ param_name: 'order_id', example: 'A-1' }] } }, namedBody('Hi {{first_name}}, your order has shipped today.', { first_name: 'Ana' })], named),
    fail: tpl([textHeader('Order {{1}} news', ['A-1']), namedBody('Hi {{first_name}}, your order has shipped today.', { first_name: 'Ana' })], named),
    expect: { path: 'components[0]', field: 'text', component: 'HEADER', position: 6, metaCode: 2388047, message: 'Header: {{1}} at position 6 is a positional variable, but this template uses named variables. Use a lowercase name such as {{first_name}}, or set parameter_format to positional.' },
  },
  {
    code: 'variable.sequence', title: 'no gaps: {{1}} then {{3}}',
    pass: tpl([body('Hi {{1}}, order {{2}} ships today from our store.', ['Ana', 'A-1'])]),
    fail: tpl([body(sequence, ['Ana', 'A-1'])]),
    expect: { ...BODY_AT, position: at(sequence, '{{3}}'), metaCode: 2388047, message: 'Body: expected {{2}} at position 16 but found {{3}}. Number the variables {{1}}, {{2}}, {{3}}… in the order they appear, without gaps.' },
  },
  {
    code: 'variable.sequence', title: 'in order: {{2}} before {{1}}',
    pass: tpl([body('Hi {{1}}, order {{2}} ships today from our store.', ['Ana', 'A-1'])]),
    fail: tpl([body('Hi {{2}}, order {{1}} ships today from our store.', ['Ana', 'A-1'])]),
    expect: { ...BODY_AT, position: 3, metaCode: 2388047, message: 'Body: expected {{1}} at position 3 but found {{2}}. Number the variables {{1}}, {{2}}, {{3}}… in the order they appear, without gaps.' },
  },
  {
    code: 'variable.repeated', title: 'a positional variable appears once',
    pass: tpl([body('Hi {{1}}, order {{2}} is ready, {{3}}, come pick it up.', ['Ana', 'A-1', 'Ana'])]),
    fail: tpl([body(repeated, ['Ana', 'A-1'])]),
    expect: { ...BODY_AT, position: at(repeated, '{{1}}', 5), metaCode: 2388047, message: 'Body: {{1}} at position 32 is already used earlier in the text; each variable can appear only once. Use {{3}} for a new value.' },
  },
  {
    code: 'variable.repeated', title: 'named variables are unique',
    pass: tpl([namedBody('Hi {{first_name}}, order {{order_id}} is ready, come pick it up.', { first_name: 'Ana', order_id: 'A-1' })], named),
    fail: tpl([namedBody('Hi {{first_name}}, order {{order_id}} is ready, {{first_name}}, come pick it up.', { first_name: 'Ana', order_id: 'A-1' })], named),
    expect: { ...BODY_AT, position: 48, metaCode: 2388047, message: 'Body: {{first_name}} at position 48 is already used earlier in the text; each variable can appear only once. Use a different name for a second value.' },
  },
  {
    code: 'variable.leading', title: 'no variable at the very start',
    pass: tpl([body('Hi {{1}}, your order has shipped today.', ['Ana'])]),
    fail: tpl([body('  {{1}}, your order has shipped today.', ['Ana'])]),
    expect: { ...BODY_AT, position: 2, metaCode: 2388299, message: 'Body: a variable cannot be at the very start of the text (position 2). Add words before {{1}}.' },
  },
  {
    code: 'variable.trailing', title: 'no variable at the very end (trailing spaces do not count; punctuation after is fine)',
    pass: tpl([body('Thanks for your order, we will ship it soon. Your tracking code is {{1}}.', ['ZX81'])]),
    fail: tpl([body(trailing, ['ZX81'])]),
    expect: { ...BODY_AT, position: at(trailing, '{{1}}'), metaCode: 2388299, message: 'Body: a variable cannot be at the very end of the text (position 67). Add words after {{1}}.' },
  },
  {
    code: 'variable.trailing', title: 'the same rule in a header',
    pass: tpl([textHeader('Order {{1}} update', ['A-1']), body(BODY_TEXT)]),
    fail: tpl([textHeader('Your order {{1}}', ['A-1']), body(BODY_TEXT)]),
    expect: { path: 'components[0]', field: 'text', component: 'HEADER', position: 11, metaCode: 2388299, message: 'Header: a variable cannot be at the very end of the text (position 11). Add words after {{1}}.' },
  },
  {
    code: 'variable.adjacent', title: 'words between two variables',
    pass: tpl([body('Hi {{1}} and {{2}}, your order has shipped today.', ['Ana', 'Lopez'])]),
    fail: tpl([body(adjacent, ['Ana', 'Lopez'])]),
    expect: { ...BODY_AT, position: at(adjacent, '{{2}}'), metaCode: 2388047, message: 'Body: {{2}} at position 9 follows {{1}} with no words between them. Add words between the two variables.' },
  },
  {
    code: 'variable.too_many_for_length', title: 'words ≥ 2 × variables + 1',
    pass: tpl([body('Hi {{1}}, order {{2}} ships on {{3}} from our store today.', ['Ana', 'A-1', 'Monday'])]),
    fail: tpl([body('Hi {{1}}, order {{2}} ships {{3}} now.', ['Ana', 'A-1', 'Monday'])]),
    expect: { ...BODY_AT, metaCode: 2388293, message: 'Body: too many variables for the length of the text (3 variables, 4 words). A text with 3 variables needs at least 7 other words: add 3 more or remove variables.' },
  },
];

// ---------------------------------------------------------------------------------------------
// Examples
// ---------------------------------------------------------------------------------------------
export const exampleRows: RuleRow[] = [
  {
    code: 'example.missing', title: 'body_text examples for positional variables',
    pass: tpl([body('Hi {{1}}, your order has shipped today.', ['Ana'])]),
    fail: tpl([body('Hi {{1}}, your order has shipped today.')]),
    expect: { path: 'components[0]', field: 'example.body_text', component: 'BODY', position: 3, message: 'Body: add example values for 1 variable in example.body_text as [["…", "…"]], one per variable in order.' },
  },
  {
    code: 'example.missing', title: 'body_text_named_params entry per named variable',
    pass: tpl([namedBody('Hi {{first_name}}, your order has shipped today.', { first_name: 'Ana' })], named),
    fail: tpl([namedBody('Hi {{first_name}}, your order has shipped today.', {})], named),
    expect: { path: 'components[0]', field: 'example.body_text_named_params', component: 'BODY', position: 3, message: 'Body: {{first_name}} (position 3) has no example. Add { "param_name": "first_name", "example": "…" } to example.body_text_named_params.' },
  },
  {
    code: 'example.missing', title: 'header_text example for a header variable',
    pass: tpl([textHeader('Order {{1}} update', ['A-1']), body(BODY_TEXT)]),
    fail: tpl([textHeader('Order {{1}} update'), body(BODY_TEXT)]),
    expect: { path: 'components[0]', field: 'example.header_text', component: 'HEADER', position: 6, message: 'Header: add example values for 1 variable in example.header_text as ["…"], one per variable in order.' },
  },
  {
    code: 'example.count_mismatch', title: 'one positional example per variable',
    pass: tpl([body('Hi {{1}}, your order {{2}} has shipped today.', ['Ana', 'A-1'])]),
    fail: tpl([body('Hi {{1}}, your order {{2}} has shipped today.', ['Ana'])]),
    expect: { path: 'components[0]', field: 'example.body_text', component: 'BODY', message: 'Body: example.body_text has 1 value but the text has 2 variables. Give exactly one example per variable.' },
  },
  {
    code: 'example.count_mismatch', title: 'no examples without variables',
    pass: tpl([body(BODY_TEXT)]),
    fail: tpl([body(BODY_TEXT, ['Ana'])]),
    expect: { path: 'components[0]', field: 'example.body_text', component: 'BODY', message: 'Body: example.body_text has 1 value but the text has no variables. Remove the example.' },
  },
  {
    code: 'example.unknown_name', title: 'named examples match the names in the text',
    pass: tpl([namedBody('Hi {{first_name}}, your order has shipped today.', { first_name: 'Ana' })], named),
    fail: tpl([namedBody('Hi {{first_name}}, your order has shipped today.', { first_name: 'Ana', last_name: 'Lopez' })], named),
    expect: { path: 'components[0]', field: 'example.body_text_named_params', component: 'BODY', message: 'Body: example.body_text_named_params has an example for "last_name", which the text does not use. Remove it or add {{last_name}} to the text.' },
  },
  {
    code: 'example.empty', title: 'example values are not blank',
    pass: tpl([body('Hi {{1}}, your order has shipped today.', ['Ana'])]),
    fail: tpl([body('Hi {{1}}, your order has shipped today.', ['  '])]),
    expect: { path: 'components[0]', field: 'example.body_text', component: 'BODY', position: 3, message: 'Body: the example for {{1}} is empty. Give a realistic sample value.' },
  },
];

// ---------------------------------------------------------------------------------------------
// Buttons
// ---------------------------------------------------------------------------------------------
const B = 'components[1].buttons';
const mk = (...list: Json[]): Json => marketing([body(BODY_TEXT), buttons(...list)]);
const qrs = (n: number): Json[] => Array.from({ length: n }, (_, i) => qr(`Option ${i + 1}`));
const longUrl = `https://shop.example/${'a'.repeat(1980)}`;

export const buttonRows: RuleRow[] = [
  {
    code: 'buttons.empty', title: 'a BUTTONS component lists buttons',
    pass: mk(qr()), fail: mk(),
    expect: { path: 'components[1]', field: 'buttons', component: 'BUTTONS', message: 'Buttons: add at least one button or remove the buttons component.' },
  },
  {
    code: 'buttons.too_many', title: '≤ 10 buttons in total',
    pass: mk(...qrs(7), urlButton(), urlButton('https://shop.example/help', 'Help'), phoneButton()),
    fail: mk(...qrs(8), urlButton(), urlButton('https://shop.example/help', 'Help'), phoneButton()),
    expect: { path: 'components[1]', field: 'buttons', component: 'BUTTONS', message: 'Buttons: there are 11 buttons; a template can have at most 10. Remove 1 button.' },
  },
  {
    code: 'buttons.too_many_of_type', title: 'QUICK_REPLY ≤ 10',
    pass: mk(...qrs(10)), fail: mk(...qrs(11)),
    expect: { path: `${B}[10]`, component: 'BUTTONS', message: 'Button 11 (QUICK_REPLY): a template can have at most 10 quick reply buttons; this is number 11. Remove it or change its type.' },
  },
  {
    code: 'buttons.too_many_of_type', title: 'URL ≤ 2',
    pass: mk(urlButton(), urlButton('https://shop.example/help', 'Help')),
    fail: mk(urlButton(), urlButton('https://shop.example/help', 'Help'), urlButton('https://shop.example/faq', 'FAQ')),
    expect: { path: `${B}[2]`, component: 'BUTTONS', message: 'Button 3 (URL): a template can have at most 2 URL buttons; this is number 3. Remove it or change its type.' },
  },
  {
    code: 'buttons.too_many_of_type', title: 'PHONE_NUMBER ≤ 1',
    pass: mk(phoneButton()), fail: mk(phoneButton(), phoneButton('+34600123456', 'Call Spain')),
    expect: { path: `${B}[1]`, component: 'BUTTONS', message: 'Button 2 (PHONE_NUMBER): a template can have at most 1 phone number button; this is number 2. Remove it or change its type.' },
  },
  {
    code: 'buttons.too_many_of_type', title: 'COPY_CODE ≤ 1',
    pass: mk(copyCode()), fail: mk(copyCode(), copyCode('SAVE10')),
    expect: { path: `${B}[1]`, component: 'BUTTONS', message: 'Button 2 (COPY_CODE): a template can have at most 1 copy code button; this is number 2. Remove it or change its type.' },
  },
  {
    code: 'buttons.quick_replies_not_grouped', title: '"QR, URL, QR" is invalid; QR, QR, URL is fine',
    pass: mk(qr('Yes'), qr('No'), urlButton()), fail: mk(qr('Yes'), urlButton(), qr('No')),
    expect: { path: `${B}[2]`, component: 'BUTTONS', message: 'Button 3 (QUICK_REPLY): quick replies must sit together, all before or all after the other buttons ("quick reply, URL, quick reply" is not allowed). Move this button next to its group.' },
  },
  {
    code: 'buttons.quick_replies_not_grouped', title: 'quick replies in the middle; after the rest is fine',
    pass: mk(urlButton(), phoneButton(), qr('Yes'), qr('No')), fail: mk(urlButton(), qr('Yes'), phoneButton()),
    expect: { path: `${B}[2]`, component: 'BUTTONS', message: 'Button 3 (PHONE_NUMBER): quick replies must sit together, all before or all after the other buttons ("quick reply, URL, quick reply" is not allowed). Move this button next to its group.' },
  },
  {
    code: 'button.invalid', title: 'unknown button type (documented VOICE_CALL / FLOW pass through)',
    pass: mk({ type: 'VOICE_CALL', text: 'Call now' }, { type: 'FLOW', text: 'Book', flow_id: '123' }),
    fail: mk({ type: 'BOOK_NOW', text: 'Book' }),
    expect: { path: `${B}[0]`, field: 'type', component: 'BUTTONS', message: 'Button 1: the button has the unknown type "BOOK_NOW". Use QUICK_REPLY, URL, PHONE_NUMBER, COPY_CODE or OTP.' },
  },
  {
    code: 'button.text_missing', title: 'quick replies need a label',
    pass: mk(qr('Yes')), fail: mk(qr('')),
    expect: { path: `${B}[0]`, field: 'text', component: 'BUTTONS', message: 'Button 1 (QUICK_REPLY): the button needs a label. Type the text people will tap.' },
  },
  {
    code: 'button.text_too_long', title: 'button text ≤ 25',
    pass: mk(qr('y'.repeat(25))), fail: mk(qr('y'.repeat(26))),
    expect: { path: `${B}[0]`, field: 'text', component: 'BUTTONS', position: 25, metaCode: 2388040, message: 'Button 1 (QUICK_REPLY): the label is 26 characters; the limit is 25. Shorten it by 1.' },
  },
  {
    code: 'button.text_too_long', title: 'URL button text ≤ 25',
    pass: mk(urlButton('https://shop.example', 'u'.repeat(25))), fail: mk(urlButton('https://shop.example', 'u'.repeat(27))),
    expect: { path: `${B}[0]`, field: 'text', component: 'BUTTONS', position: 25, metaCode: 2388040, message: 'Button 1 (URL): the label is 27 characters; the limit is 25. Shorten it by 2.' },
  },
  {
    code: 'button.url_missing', title: 'URL buttons need a url',
    pass: mk(urlButton()), fail: mk({ type: 'URL', text: 'Track' }),
    expect: { path: `${B}[0]`, field: 'url', component: 'BUTTONS', message: 'Button 1 (URL): the button needs a url starting with https://.' },
  },
  {
    code: 'button.url_too_long', title: 'url ≤ 2000',
    pass: mk(urlButton(longUrl.slice(0, 2000))), fail: mk(urlButton(`${longUrl}`)),
    expect: { path: `${B}[0]`, field: 'url', component: 'BUTTONS', position: 2000, metaCode: 2388040, message: 'Button 1 (URL): the URL is 2001 characters; the limit is 2000. Shorten it by 1.' },
  },
  {
    code: 'button.url_scheme', title: 'http(s) only',
    pass: mk(urlButton('http://shop.example/orders')), fail: mk(urlButton('ftp://shop.example/file')),
    expect: { path: `${B}[0]`, field: 'url', component: 'BUTTONS', position: 0, message: 'Button 1 (URL): "ftp://shop.example/file" is not a web address. Start it with https:// (or http://) followed by the site.' },
  },
  {
    code: 'button.url_scheme', title: 'no spaces in the URL',
    pass: mk(urlButton('https://shop.example/my%20orders')), fail: mk(urlButton('https://shop.example/my orders')),
    expect: { path: `${B}[0]`, field: 'url', component: 'BUTTONS', position: 23, message: 'Button 1 (URL): the URL has a space at position 23. Remove it or write it as %20.' },
  },
  {
    code: 'button.url_variables', title: 'the URL variable only at the end',
    pass: mk(urlButton('https://shop.example/track/{{1}}', 'Track', ['https://shop.example/track/A-1'])),
    fail: mk(urlButton('https://shop.example/{{1}}/track', 'Track', ['https://shop.example/A-1/track'])),
    expect: { path: `${B}[0]`, field: 'url', component: 'BUTTONS', position: 21, message: 'Button 1 (URL): the variable {{1}} at position 21 must be at the very end of the URL. Move it to the end.' },
  },
  {
    code: 'button.url_variables', title: 'at most one URL variable',
    pass: mk(urlButton('https://shop.example/t/{{1}}', 'Track', ['https://shop.example/t/A-1'])),
    fail: mk(urlButton('https://shop.example/{{1}}/{{2}}', 'Track', ['https://shop.example/a/b'])),
    expect: { path: `${B}[0]`, field: 'url', component: 'BUTTONS', position: 27, message: 'Button 1 (URL): a URL can have only one variable; {{2}} at position 27 is one too many. Keep a single {{1}} at the end.' },
  },
  {
    code: 'example.missing', title: 'a URL variable needs an example',
    pass: mk(urlButton('https://shop.example/track/{{1}}', 'Track', ['A-1'])),
    fail: mk(urlButton('https://shop.example/track/{{1}}', 'Track')),
    expect: { path: `${B}[0]`, field: 'example', component: 'BUTTONS', position: 27, message: 'Button 1 (URL): the URL variable {{1}} (position 27) needs an example. Put a full sample URL in example, e.g. ["https://shop.example/track/abc123"].' },
  },
  {
    code: 'button.phone_missing', title: 'PHONE_NUMBER buttons need a number',
    pass: mk(phoneButton()), fail: mk({ type: 'PHONE_NUMBER', text: 'Call us' }),
    expect: { path: `${B}[0]`, field: 'phone_number', component: 'BUTTONS', message: 'Button 1 (PHONE_NUMBER): the button needs a phone_number with the country code, e.g. +15550051310.' },
  },
  {
    code: 'button.phone_too_long', title: 'phone number ≤ 20 characters',
    pass: mk(phoneButton('+1 (555) 005-1310')), fail: mk(phoneButton('+1 (555) 005-1310 000')),
    expect: { path: `${B}[0]`, field: 'phone_number', component: 'BUTTONS', position: 20, metaCode: 2388040, message: 'Button 1 (PHONE_NUMBER): the phone number is 21 characters; the limit is 20. Remove spaces and punctuation.' },
  },
  {
    code: 'button.phone_invalid', title: 'plausible E.164',
    pass: mk(phoneButton('15550051310')), fail: mk(phoneButton('0800 123')),
    expect: { path: `${B}[0]`, field: 'phone_number', component: 'BUTTONS', message: 'Button 1 (PHONE_NUMBER): "0800 123" does not look like an international number. Write it with the country code and 7–15 digits, e.g. +15550051310.' },
  },
  {
    code: 'button.copy_code_example', title: 'COPY_CODE needs an example',
    pass: mk(copyCode('SAVE25')), fail: mk({ type: 'COPY_CODE' }),
    expect: { path: `${B}[0]`, field: 'example', component: 'BUTTONS', message: 'Button 1 (COPY_CODE): add a sample code in example (up to 15 characters), e.g. "SAVE25".' },
  },
  {
    code: 'button.copy_code_example', title: 'COPY_CODE example ≤ 15',
    pass: mk(copyCode('SUMMERSALE2026X')), fail: mk(copyCode('SUMMERSALE2026XYZ')),
    expect: { path: `${B}[0]`, field: 'example', component: 'BUTTONS', position: 15, message: 'Button 1 (COPY_CODE): the sample code is 17 characters; the limit is 15. Shorten it by 2.' },
  },
  {
    code: 'button.otp_type', title: 'otp_type COPY_CODE / ONE_TAP / ZERO_TAP',
    pass: auth([{ type: 'BODY' }, buttons({ type: 'OTP', otp_type: 'ONE_TAP', text: 'Copy code', autofill_text: 'Autofill', package_name: 'com.example.app', signature_hash: 'K8a/AINcGX7' })]),
    fail: auth([{ type: 'BODY' }, buttons(otp('MAGIC_LINK'))]),
    expect: { path: 'components[1].buttons[0]', field: 'otp_type', component: 'BUTTONS', message: 'Button 1 (OTP): otp_type "MAGIC_LINK" is not supported. Use COPY_CODE, ONE_TAP or ZERO_TAP.' },
  },
  {
    code: 'button.otp_category', title: 'OTP buttons only in AUTHENTICATION',
    pass: auth(), fail: mk(otp()),
    expect: { path: `${B}[0]`, component: 'BUTTONS', message: 'Button 1 (OTP): one-time-password buttons belong to AUTHENTICATION templates. Change the category or use a COPY_CODE button.' },
  },
];

// ---------------------------------------------------------------------------------------------
// AUTHENTICATION
// ---------------------------------------------------------------------------------------------
const authUrl = 'Your code is {{1}}. Help at https://acme.example/help for you.';
const authEmoji = 'Your code is {{1}} 🔐 for login.';
const authBody = (text: string, example: string): Json => body(text, [example]);

export const authRows: RuleRow[] = [
  {
    code: 'auth.otp_button_missing', title: 'an OTP button is required',
    pass: auth(), fail: auth([{ type: 'BODY', add_security_recommendation: true }]),
    expect: { path: 'components', message: 'Buttons: authentication templates need a one-time-password button. Add a button of type OTP with otp_type COPY_CODE, ONE_TAP or ZERO_TAP.' },
  },
  {
    code: 'auth.url_button', title: 'no URL buttons',
    pass: auth([{ type: 'BODY' }, buttons(otp())]),
    fail: auth([{ type: 'BODY' }, buttons(otp(), urlButton())]),
    expect: { path: 'components[1].buttons[1]', component: 'BUTTONS', message: 'Button 2 (URL): authentication templates cannot have URL buttons. Remove this button or change the category.' },
  },
  {
    code: 'auth.media_header', title: 'no media header (a text header is allowed)',
    pass: auth([textHeader('Login code'), { type: 'BODY' }, buttons(otp())]),
    fail: auth([{ type: 'HEADER', format: 'VIDEO', example: { header_handle: ['4::dmlk'] } }, { type: 'BODY' }, buttons(otp())]),
    expect: { path: 'components[0]', field: 'format', component: 'HEADER', message: 'Header: authentication templates cannot have a media header (VIDEO). Remove the header or use a TEXT one.' },
  },
  {
    code: 'auth.url_in_text', title: 'no URLs in the texts',
    pass: auth([authBody('Your code is {{1}}. Never share it with anyone.', '123456'), buttons(otp())]),
    fail: auth([authBody(authUrl, '123456'), buttons(otp())]),
    expect: { ...BODY_AT, position: at(authUrl, 'https'), message: 'Body: authentication templates cannot contain web addresses (position 28). Remove the link.' },
  },
  {
    code: 'auth.emoji', title: 'no emoji (© is not an emoji)',
    pass: auth([authBody('© Acme: your code is {{1}} for login.', '123456'), buttons(otp())]),
    fail: auth([authBody(authEmoji, '123456'), buttons(otp())]),
    expect: { ...BODY_AT, position: at(authEmoji, '🔐'), message: 'Body: authentication templates cannot contain emoji (position 19). Remove it.' },
  },
  {
    code: 'auth.parameter_too_long', title: 'parameters ≤ 15 characters',
    pass: auth([authBody('Your code is {{1}} for login.', 'ABCDEFGHIJKLMNO'), buttons(otp())]),
    fail: auth([authBody('Your code is {{1}} for login.', 'ABCDEFGHIJKLMNOP'), buttons(otp())]),
    expect: { path: 'components[0]', field: 'example', component: 'BODY', position: 13, message: 'Body: the example for {{1}} (position 13) is 16 characters; authentication parameters are at most 15. Use a shorter sample.' },
  },
  {
    code: 'body.text_missing', title: 'AUTHENTICATION may leave body text out, but not send it blank',
    pass: auth([{ type: 'BODY', add_security_recommendation: true }, buttons(otp())]),
    fail: auth([{ type: 'BODY', text: '' }, buttons(otp())]),
    expect: { ...BODY_AT, message: 'Body: the body needs text. Type the message.' },
  },
];

// ---------------------------------------------------------------------------------------------
// Duplicates
// ---------------------------------------------------------------------------------------------
const existing = [
  { name: 'shipping_notice', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, your order is on its way.\nThank you!' }, { type: 'FOOTER', text: 'ACME store' }] },
];
const dupe = (lang = 'en_US', foot = 'Acme   Store', name = 'order_update'): Json =>
  tpl([body('hi {{1}},  YOUR order is on its way. Thank you!', ['Ana']), footer(foot)], { language: lang, name });

export const duplicateRows: RuleRow[] = [
  {
    code: 'duplicate.wording', title: 'same body+footer (whitespace and case normalised) in the same language',
    pass: dupe('es'), passOptions: { existing }, fail: dupe(), failOptions: { existing },
    expect: { ...BODY_AT, message: 'Body: the body and footer have the same wording as the existing template "shipping_notice" (en_US). Change the wording, or edit that template instead.' },
  },
  {
    code: 'duplicate.wording', title: 'a different footer is different wording; variable names do not count',
    pass: dupe('en_US', 'Acme Outlet'), passOptions: { existing },
    fail: tpl([namedBody('hi {{name}}, your order is on its way. Thank you!', { name: 'Ana' }), footer('acme store')], named),
    failOptions: { existing },
    expect: { ...BODY_AT, message: 'Body: the body and footer have the same wording as the existing template "shipping_notice" (en_US). Change the wording, or edit that template instead.' },
  },
  {
    code: 'duplicate.wording', title: 'editing a template does not duplicate itself; AUTHENTICATION is not checked',
    pass: dupe('en_US', 'Acme Store', 'shipping_notice'), passOptions: { existing },
    fail: dupe('en_US', 'acme store', 'shipping_notice_v2'), failOptions: { existing },
    expect: { ...BODY_AT, message: 'Body: the body and footer have the same wording as the existing template "shipping_notice" (en_US). Change the wording, or edit that template instead.' },
  },
];

export const allRows: RuleRow[] = [
  ...topLevelRows, ...componentRows, ...variableRows, ...exampleRows, ...buttonRows, ...authRows, ...duplicateRows,
];
