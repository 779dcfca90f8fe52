import { describe, expect, it } from 'vitest';
import {
  buildTemplateSend, checkMapping, encodeUrlPart, mappingSlots, sanitiseText, withImplicitAuthBody, type ContactFacts, type MappingTemplate, type TemplateMapping,
} from '../../../../src/templates/mapping.ts';
import { checkTemplateParams } from '../../../../src/core/template-params.ts';

// Stored templates, in Meta's shape.
const order: MappingTemplate = {
  name: 'order_ready',
  language: 'es',
  category: 'UTILITY',
  parameter_format: 'positional',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Pedido {{1}} listo', example: { header_text: ['A-1'] } },
    { type: 'BODY', text: 'Hola {{1}}, tu pedido de {{2}} está listo.', example: { body_text: [['Ana', 'Tienda']] } },
    { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Seguir', url: 'https://shop.example/track/{{1}}', example: ['https://shop.example/track/A1'] }] },
  ],
};
const named: MappingTemplate = {
  name: 'appointment',
  language: 'es_MX',
  category: 'UTILITY',
  parameter_format: 'named',
  components: [{ type: 'BODY', text: 'Hola {{first_name}}, tu cita en {{company}} es pronto.', example: { body_text_named_params: [{ param_name: 'first_name', example: 'Ana' }, { param_name: 'company', example: 'X' }] } }],
};
const invoice: MappingTemplate = {
  name: 'invoice_due',
  language: 'es_ES',
  category: 'UTILITY',
  components: [{ type: 'BODY', text: 'Tu factura de {{1}} vence el {{2}}, gracias.' }, { type: 'FOOTER', text: 'Charla' }],
};
const otp: MappingTemplate = {
  name: 'code',
  language: 'es',
  category: 'AUTHENTICATION',
  components: [{ type: 'BODY', add_security_recommendation: true }, { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] }],
};
const promo: MappingTemplate = {
  name: 'promo',
  language: 'es',
  category: 'MARKETING',
  components: [
    { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['h'] } },
    { type: 'BODY', text: 'Hola {{1}}, mira esto.' },
    { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', example: 'SAVE10' }] },
  ],
};

const person: ContactFacts = {
  name: 'María José López',
  profileName: 'Majo',
  phone: '+34612345678',
  waId: '34612345678',
  email: 'maria@example.es',
  fields: { city: 'Sevilla', notes: 'línea 1\nlínea\t2    fin', visits: 42, due: '2026-05-01', total: '10,50' },
  organization: { name: 'Panadería Sol', domain: 'sol.es', fields: { tier: 'gold' } },
};
const nobody: ContactFacts = { name: null, profileName: null, phone: '+34600000000' };

const firstNameMap: TemplateMapping = {
  header: { '1': { from: 'send', key: 'order_no' } },
  body: { '1': { from: 'contact.first_name', fallback: 'cliente' }, '2': { from: 'org.name', fallback: 'nuestra tienda' } },
  buttons: { '0': { from: 'send', key: 'order_no' } },
};

type Row = [name: string, template: MappingTemplate, mapping: TemplateMapping, contact: ContactFacts | null, values: Record<string, unknown>, want: {
  body?: string[];
  header?: string[];
  button?: string;
  problems?: string[];
  fallback?: string[];
  adjusted?: Record<string, string[]>;
}];

const rows: Row[] = [
  ['first name derived from the name', order, firstNameMap, person, { order_no: 'A-7' }, { header: ['A-7'], body: ['María', 'Panadería Sol'], button: 'A-7' }],
  ['no name: profile name', order, firstNameMap, { ...nobody, profileName: 'Pepe Ruiz' }, { order_no: 'A-7' }, { body: ['Pepe', 'nuestra tienda'] }],
  ['no name at all: the fallback', order, firstNameMap, nobody, { order_no: 'A-7' }, { body: ['cliente', 'nuestra tienda'], fallback: ['body.1', 'body.2'] }],
  ['blank name counts as empty', order, firstNameMap, { name: '   ', profileName: '' }, { order_no: 'A-7' }, { body: ['cliente', 'nuestra tienda'] }],
  ['empty without fallback is a problem naming the variable', order, { ...firstNameMap, body: { '1': { from: 'contact.first_name' }, '2': { from: 'fixed', value: 'Sol' } } }, nobody, { order_no: 'A' }, { problems: ['value_missing@body.1'] }],
  ['send-time value missing', order, firstNameMap, person, {}, { problems: ['value_missing@header.1', 'value_missing@button.0'] }],
  ['newlines, tabs and runs of spaces collapsed', invoice, { body: { '1': { from: 'field.notes' }, '2': { from: 'fixed', value: 'mañana' } } }, person, {}, { body: ['línea 1 línea 2 fin', 'mañana'], adjusted: { 'body.1': ['whitespace'] } }],
  ['explicit values override the mapping', order, firstNameMap, person, { order_no: 'A-7', 'body.1': 'Doña María' }, { body: ['Doña María', 'Panadería Sol'] }],
  ['unmapped body variables take bare keys', invoice, {}, null, { '1': 'luz', '2': 'lunes' }, { body: ['luz', 'lunes'] }],
  ['unmapped header needs header.<key>', order, { body: firstNameMap.body! }, person, { 'header.1': 'H-1', 'button.0': 'x' }, { header: ['H-1'] }],
  ['numbers and custom fields', invoice, { body: { '1': { from: 'field.visits' }, '2': { from: 'org.field.tier' } } }, person, {}, { body: ['42', 'gold'] }],
  ['too long from a record: shortened', order, { ...firstNameMap, header: { '1': { from: 'field.long' } } }, { ...person, fields: { long: 'x'.repeat(80) } }, { order_no: 'A' }, { header: [`${'x'.repeat(59)}…`], adjusted: { 'header.1': ['truncated'] } }],
  ['too long given at send time: refused (132018)', order, firstNameMap, person, { order_no: 'A', 'header.1': 'y'.repeat(61) }, { problems: ['param.param_too_long@template.components[0].parameters[0].text'] }],
  ['URL suffix percent-encoded', order, firstNameMap, person, { order_no: 'A 1/ñ' }, { button: 'A%201/%C3%B1', adjusted: { 'button.0': ['whitespace', 'url_encoded'].slice(1) } }],
  ['authentication: the code fills body and button', otp, { body: { '1': { from: 'send', key: 'code' } } }, person, { code: '123456' }, { body: ['123456'], button: '123456' }],
  ['authentication code over 15 characters refused', otp, {}, person, { '1': '1234567890123456' }, { problems: ['param.param_too_long@template.components[0].parameters[0].text', 'param.param_too_long@template.components[1].parameters[0].text'] }],
];

describe('buildTemplateSend', () => {
  it.each(rows)('%s', (_name, template, mapping, contact, values, want) => {
    const r = buildTemplateSend(template, mapping, contact, values);
    const comps = (r.body.template.components ?? []) as { type: string; parameters: { text?: string; coupon_code?: string }[] }[];
    if (want.problems) {
      expect(r.problems.map((p) => `${p.code}@${p.path}`)).toEqual(want.problems);
      for (const p of r.problems) expect(p.message.length).toBeGreaterThan(10);
      return;
    }
    expect(r.problems).toEqual([]);
    if (want.body) expect(comps.find((c) => c.type === 'body')?.parameters.map((p) => p.text)).toEqual(want.body);
    if (want.header) expect(comps.find((c) => c.type === 'header')?.parameters.map((p) => p.text)).toEqual(want.header);
    if (want.button) expect(comps.find((c) => c.type === 'button')?.parameters[0]?.text).toBe(want.button);
    if (want.fallback) expect(r.variables.filter((v) => v.usedFallback).map((v) => `${v.slot}.${v.key}`)).toEqual(want.fallback);
    for (const [path, adj] of Object.entries(want.adjusted ?? {})) {
      expect(r.variables.find((v) => `${v.slot}.${v.key}` === path)?.adjusted).toEqual(expect.arrayContaining(adj));
    }
    // Whatever we build passes the send-time rules preflight applies (to the facts the library gives it).
    const components = withImplicitAuthBody(template.category, template.components) as never;
    const def = { ...template, parameter_format: (template.parameter_format ?? 'positional') as 'positional' | 'named', components };
    expect(checkTemplateParams(r.body.template, def)).toEqual([]);
  });

  it('named templates carry parameter_name', () => {
    const r = buildTemplateSend(named, { body: { first_name: { from: 'contact.first_name', fallback: 'cliente' }, company: { from: 'fixed', value: 'Clínica Sur' } } }, nobody, {});
    expect(r.problems).toEqual([]);
    expect(r.body.template).toEqual({
      name: 'appointment',
      language: { code: 'es_MX' },
      components: [{ type: 'body', parameters: [{ type: 'text', parameter_name: 'first_name', text: 'cliente' }, { type: 'text', parameter_name: 'company', text: 'Clínica Sur' }] }],
    });
    expect(r.preview.body).toEqual({ first_name: 'cliente', company: 'Clínica Sur' });
  });

  it('currency and date_time parameters from fields', () => {
    const r = buildTemplateSend(invoice, { body: { '1': { from: 'field.total', type: 'currency', currency: 'EUR' }, '2': { from: 'field.due', type: 'date_time' } } }, person, {});
    expect(r.problems).toEqual([]);
    const params = (r.body.template.components as { parameters: Record<string, unknown>[] }[])[0]!.parameters;
    expect(params[0]).toMatchObject({ type: 'currency', currency: { code: 'EUR', amount_1000: 10500 } });
    expect(String((params[0]!.currency as { fallback_value: string }).fallback_value)).toMatch(/10,50/);
    expect(params[1]).toEqual({ type: 'date_time', date_time: { fallback_value: expect.stringMatching(/1 de mayo de 2026/) } });
  });

  it('a currency that is not a number is a problem, not a bad send', () => {
    const r = buildTemplateSend(invoice, { body: { '1': { from: 'field.city', type: 'currency', currency: 'EUR' }, '2': { from: 'fixed', value: 'x' } } }, person, {});
    expect(r.problems.map((p) => p.code)).toEqual(['value_invalid']);
  });

  it('media header from a fixed link, coupon code at send time', () => {
    const r = buildTemplateSend(promo, { header: { media: { from: 'fixed', value: 'https://cdn.example/p.jpg' } }, body: { '1': { from: 'contact.first_name', fallback: 'cliente' } } }, person, { 'button.0': 'SAVE10' });
    expect(r.problems).toEqual([]);
    expect(r.body.template.components).toEqual([
      { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example/p.jpg' } }] },
      { type: 'body', parameters: [{ type: 'text', text: 'María' }] },
      { type: 'button', sub_type: 'copy_code', index: '0', parameters: [{ type: 'coupon_code', coupon_code: 'SAVE10' }] },
    ]);
  });

  it('a template without variables needs nothing', () => {
    const r = buildTemplateSend({ name: 'hello', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hello there' }] }, null, null, null);
    expect(r).toMatchObject({ problems: [], body: { type: 'template', template: { name: 'hello', language: { code: 'en_US' } } } });
  });
});

describe('mapping helpers', () => {
  it.each([
    ['a\nb', 'a b'],
    ['  a\t\tb    c  ', 'a b c'],
    ['a\r\n\r\nb', 'a b'],
    ['ok', 'ok'],
  ])('sanitiseText(%j) = %j', (input, want) => expect(sanitiseText(input).text).toBe(want));

  it.each([
    ['ABC-123', 'ABC-123'],
    ['a b', 'a%20b'],
    ['ñ', '%C3%B1'],
    ['x?y=1&z=%20', 'x?y=1&z=%20'],
    ['<x>', '%3Cx%3E'],
  ])('encodeUrlPart(%j) = %j', (input, want) => expect(encodeUrlPart(input)).toBe(want));

  it('lists the slots a template needs', () => {
    expect(mappingSlots(order).map((s) => `${s.slot}.${s.key}:${s.kind}`)).toEqual(['header.1:text', 'body.1:text', 'body.2:text', 'button.0:url']);
    expect(mappingSlots(promo).map((s) => `${s.slot}.${s.key}:${s.kind}`)).toEqual(['header.media:media', 'body.1:text', 'button.0:code']);
  });

  it.each([
    ['fine', { body: { '1': { from: 'contact.first_name', fallback: 'cliente' } } }, []],
    ['unknown variable', { body: { '3': { from: 'contact.name' } } }, ['body.3']],
    ['unknown source', { body: { '1': { from: 'contact.shoe_size' } } }, ['body.1']],
    ['fixed without value', { body: { '1': { from: 'fixed' } } }, ['body.1']],
    ['currency without code', { body: { '1': { from: 'field.total', type: 'currency' } } }, ['body.1']],
    ['currency in a header', { header: { '1': { from: 'field.total', type: 'currency', currency: 'EUR' } } }, ['header.1']],
    ['not an object', 'x', ['']],
  ] as const)('checkMapping: %s', (_n, mapping, paths) => {
    expect(checkMapping(order, mapping).map((p) => p.path)).toEqual(paths);
  });
});
