import { describe, expect, it } from 'vitest';
import { checkTemplateParams, needsPhoneNumber, variablesOf } from '../../../src/core/template-params.ts';
import { bodyOnly, named, namedPromo, noVariables, orderConfirmation, orderSend, otp, text } from './fixtures.ts';

const promoSend = (body: unknown[], extra: unknown[] = [{ type: 'button', sub_type: 'copy_code', index: '0', parameters: [{ type: 'coupon_code', coupon_code: 'SPRING25' }] }]) => ({
  name: 'spring_sale',
  language: { code: 'es' },
  components: [{ type: 'header', parameters: [{ type: 'image', image: { id: '42' } }] }, { type: 'body', parameters: body }, ...extra],
});
const promoBody = [named('first_name', 'Ana'), named('discount', '25 %'), named('end_date', '30 de abril')];

describe('variablesOf', () => {
  it.each([
    ['Hi {{1}}, order {{2}}', ['1', '2'], 'positional'],
    ['Hi {{ first_name }} {{first_name}}', ['first_name'], 'named'],
    ['No variables', [], null],
    [undefined, [], null],
  ])('%j', (textIn, keys, style) => {
    expect(variablesOf(textIn)).toEqual({ keys, style });
  });
});

describe('checkTemplateParams: passing rows (spec §1.5)', () => {
  it.each([
    ['positional header, body and URL button', orderSend([text('Ana'), text('2 items'), text('May 2')]), orderConfirmation],
    ['currency and date_time objects', orderSend([text('Ana'), { type: 'currency', currency: { fallback_value: '$10.50', code: 'USD', amount_1000: 10500 } }, { type: 'date_time', date_time: { fallback_value: 'May 1, 2026' } }]), orderConfirmation],
    ['named params in any order, image header, coupon', promoSend([promoBody[2], promoBody[0], promoBody[1]]), namedPromo],
    ['body-only template allows up to 32768', { name: 'plain_note', language: { code: 'en' }, components: [{ type: 'body', parameters: [text('x'.repeat(32768))] }] }, bodyOnly],
    ['no variables, no components', { name: 'hello_world', language: { code: 'en_US' } }, noVariables],
    ['authentication code with its button', { name: 'login_code', language: { code: 'en' }, components: [{ type: 'body', parameters: [text('123456')] }, { type: 'button', sub_type: 'url', index: 0, parameters: [text('123456')] }] }, otp],
    ['quick reply payload is optional and allowed', { ...orderSend([text('Ana'), text('2'), text('3')]), components: [...orderSend([text('Ana'), text('2'), text('3')]).components, { type: 'button', sub_type: 'quick_reply', index: '0', parameters: [{ type: 'payload', payload: 'STOP' }] }] }, orderConfirmation],
  ])('%s', (_name, sent, def) => {
    expect(checkTemplateParams(sent, def)).toEqual([]);
  });
});

describe('checkTemplateParams: failing rows', () => {
  it.each([
    ['too few body values', orderSend([text('Ana'), text('2 items')]), orderConfirmation, 'param_count_mismatch', 132000, 'template.components[1].parameters', 'The template body has 3 variables, but 2 values were given.'],
    ['too many body values', orderSend([text('a'), text('b'), text('c'), text('d')]), orderConfirmation, 'param_count_mismatch', 132000, 'template.components[1].parameters', 'The template body has 3 variables, but 4 values were given.'],
    ['values for a template without variables', { name: 'hello_world', language: { code: 'en_US' }, components: [{ type: 'body', parameters: [text('x')] }] }, noVariables, 'param_count_mismatch', 132000, 'template.components[0].parameters', 'The template body has no variables, but 1 value was given; remove them.'],
    ['header value missing', orderSend([text('a'), text('b'), text('c')], []), orderConfirmation, 'param_count_mismatch', 132000, 'template.components[0].parameters', 'The template header has 1 variable, but 0 values were given.'],
    ['named values for a positional template', orderSend([named('a', 'Ana'), text('b'), text('c')]), orderConfirmation, 'param_format_mismatch', 132012, 'template.components[1].parameters[0].parameter_name', 'The template uses numbered variables ({{1}}); remove parameter_name from the body values and give them in order.'],
    ['positional values for a named template', promoSend([text('Ana'), text('25 %'), text('30')]), namedPromo, 'param_format_mismatch', 132012, 'template.components[1].parameters[0].parameter_name', 'The template uses named variables; body value 1 needs a parameter_name.'],
    ['unknown and missing names', promoSend([named('first_name', 'Ana'), named('discount', '25'), named('end', '30')]), namedPromo, 'param_name_mismatch', 132000, 'template.components[1].parameters', "The body values do not match the template's variables (missing {{end_date}}; not in the template: end)."],
    ['parameter_name with capitals', promoSend([named('First_name', 'Ana'), promoBody[1], promoBody[2]]), namedPromo, 'param_name_invalid', 132012, 'template.components[1].parameters[0].parameter_name', 'parameter_name "First_name" must be lower-case letters and "_", at most 20 characters.'],
    ['parameter_name over 20', promoSend([named('a'.repeat(21), 'Ana'), promoBody[1], promoBody[2]]), namedPromo, 'param_name_invalid', 132012, 'template.components[1].parameters[0].parameter_name', `parameter_name "${'a'.repeat(21)}" must be lower-case letters and "_", at most 20 characters.`],
    ['header value over 60', orderSend([text('a'), text('b'), text('c')], [text('x'.repeat(61))]), orderConfirmation, 'param_too_long', 132018, 'template.components[0].parameters[0].text', 'The header value has 61 characters; the limit is 60. Shorten it by 1.'],
    ['body value over 1024', orderSend([text('x'.repeat(1025)), text('b'), text('c')]), orderConfirmation, 'param_too_long', 132018, 'template.components[1].parameters[0].text', 'Body value 1 has 1025 characters; the limit is 1024. Shorten it by 1.'],
    ['body-only value over 32768', { name: 'plain_note', language: { code: 'en' }, components: [{ type: 'body', parameters: [text('x'.repeat(32769))] }] }, bodyOnly, 'param_too_long', 132018, 'template.components[0].parameters[0].text', 'Body value 1 has 32769 characters; the limit is 32768. Shorten it by 1.'],
    ['empty value', orderSend([text(''), text('b'), text('c')]), orderConfirmation, 'param_empty', 132018, 'template.components[1].parameters[0].text', 'Body value 1 is empty; every variable needs a value.'],
    ['newline', orderSend([text('Ana\nMaría'), text('b'), text('c')]), orderConfirmation, 'param_whitespace', 132018, 'template.components[1].parameters[0].text', 'Body value 1 contains a line break; template values must be on one line without tabs or long runs of spaces.'],
    ['tab', orderSend([text('a\tb'), text('b'), text('c')]), orderConfirmation, 'param_whitespace', 132018, 'template.components[1].parameters[0].text', 'Body value 1 contains a tab; template values must be on one line without tabs or long runs of spaces.'],
    ['4 spaces', orderSend([text('a    b'), text('b'), text('c')]), orderConfirmation, 'param_whitespace', 132018, 'template.components[1].parameters[0].text', 'Body value 1 contains 4 or more spaces in a row; template values must be on one line without tabs or long runs of spaces.'],
    ['currency without code', orderSend([text('a'), { type: 'currency', currency: { fallback_value: '$10', amount_1000: 10000 } }, text('c')]), orderConfirmation, 'currency_invalid', 132018, 'template.components[1].parameters[1].currency.code', 'Body value 2 needs currency.code, a three-letter ISO 4217 code such as "USD" or "EUR".'],
    ['currency amount not whole', orderSend([text('a'), { type: 'currency', currency: { fallback_value: '$10', code: 'USD', amount_1000: 10.5 } }, text('c')]), orderConfirmation, 'currency_invalid', 132018, 'template.components[1].parameters[1].currency.amount_1000', 'Body value 2 needs currency.amount_1000, the amount times 1000 as a whole number (10.50 → 10500).'],
    ['date_time without fallback', orderSend([text('a'), text('b'), { type: 'date_time', date_time: {} }]), orderConfirmation, 'date_time_invalid', 132018, 'template.components[1].parameters[2].date_time.fallback_value', 'Body value 3 is a date: give date_time.fallback_value, the date as the customer should read it.'],
    ['URL suffix missing', orderSend([text('a'), text('b'), text('c')], undefined, null), orderConfirmation, 'param_count_mismatch', 132000, 'template.components', 'Button 2 (URL) needs a value for the end of its link: add a button component with index "1".'],
    ['URL suffix not encoded', orderSend([text('a'), text('b'), text('c')], undefined, [text('A 1001')]), orderConfirmation, 'url_param_not_encoded', 132018, 'template.components[2].parameters[0].text', 'The URL button 2 value has spaces or special characters; percent-encode it (e.g. with encodeURIComponent).'],
    ['image header missing', { ...promoSend(promoBody), components: promoSend(promoBody).components.slice(1) }, namedPromo, 'param_count_mismatch', 132000, 'template.components', 'The template has an image header: give exactly one header parameter of type "image".'],
    ['video given for an image header', { ...promoSend(promoBody), components: [{ type: 'header', parameters: [{ type: 'video', video: { id: '1' } }] }, ...promoSend(promoBody).components.slice(1)] }, namedPromo, 'param_type_mismatch', 132012, 'template.components[0].parameters[0].type', 'The template header is an image; the header parameter must be of type "image".'],
    ['coupon missing', promoSend(promoBody, []), namedPromo, 'param_count_mismatch', 132000, 'template.components', 'Button 1 (COPY_CODE) needs a value for the code to copy: add a button component with index "0".'],
    ['coupon over 15', promoSend(promoBody, [{ type: 'button', sub_type: 'copy_code', index: '0', parameters: [{ type: 'coupon_code', coupon_code: 'X'.repeat(16) }] }]), namedPromo, 'param_too_long', 132018, 'template.components[2].parameters[0].coupon_code', 'The coupon code has 16 characters; the limit is 15. Shorten it by 1.'],
    ['auth code over 15', { name: 'login_code', language: { code: 'en' }, components: [{ type: 'body', parameters: [text('1'.repeat(16))] }, { type: 'button', sub_type: 'url', index: 0, parameters: [text('1')] }] }, otp, 'param_too_long', 132018, 'template.components[0].parameters[0].text', 'Body value 1 has 16 characters; the limit is 15. Shorten it by 1.'],
    ['button index that does not exist', { ...orderSend([text('a'), text('b'), text('c')]), components: [...orderSend([text('a'), text('b'), text('c')]).components, { type: 'button', sub_type: 'url', index: '5', parameters: [text('x')] }] }, orderConfirmation, 'button_not_found', 132000, 'template.components[3].index', 'The template has no button at index 5 (it has 2).'],
    ['wrong template', { name: 'other', language: { code: 'en_US' } }, orderConfirmation, 'name_mismatch', 132001, 'template.name', 'The message names template "other" (en_US), not "order_confirmation" (en_US).'],
  ])('%s', (_name, sent, def, code, metaCode, path, message) => {
    expect(checkTemplateParams(sent, def)).toContainEqual({ code, metaCode, path, message });
  });
});

describe('needsPhoneNumber (spec §9, 131062)', () => {
  it.each([
    [otp, true],
    [orderConfirmation, false],
    [{ ...otp, components: [{ type: 'BODY', text: '{{1}} is your code' }] }, false],
  ])('%#', (def, expected) => {
    expect(needsPhoneNumber(def)).toBe(expected);
  });
});
