import { describe, expect, it } from 'vitest';
import { csvField, csvRow, detectDelimiter, detectEncoding, neutralise, unneutralise } from '../../src/crm/import/csv.ts';
import { compileMapping, parseMapSpec, suggestMapping } from '../../src/crm/import/mapping.ts';
import { interpretRow, parseConsentState, parseDate, parseKind, parseLanguage, parseTimeZone } from '../../src/crm/import/rows.ts';
import { exportCells, exportHeader, fieldText } from '../../src/crm/export.ts';
import type { FieldDefinition } from '../../src/core/fields.ts';

describe('CSV writing and formula neutralising', () => {
  it.each([
    ["=cmd|' /C calc'!A0", "'=cmd|' /C calc'!A0"],
    ['+34612345678', "'+34612345678"],
    ['-1', "'-1"],
    ['@SUM(A1:A2)', "'@SUM(A1:A2)"],
    ['\t=1', "'\t=1"],
    ['\r=1', "'\r=1"],
    ['Ana', 'Ana'],
    ['34612345678', '34612345678'],
    ['', ''],
    ['a=b', 'a=b'],
  ])('neutralise(%j) = %j and back', (input, out) => {
    expect(neutralise(input)).toBe(out);
    expect(unneutralise(neutralise(input))).toBe(input);
  });
  it('leaves an apostrophe that did not come from neutralising', () => {
    expect(unneutralise("'hola")).toBe("'hola");
  });
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['a;b', '"a;b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\r\nlines', '"two\r\nlines"'],
    [' padded ', '" padded "'],
  ])('csvField(%j) = %j', (input, out) => expect(csvField(input)).toBe(out));
  it('writes CRLF rows with empty cells for null and neutralised values', () => {
    expect(csvRow(['=1', null, 3, undefined, 'x,y'])).toBe(`'=1,,3,,"x,y"\r\n`);
    expect(csvRow(['a', 'b;c'], ';')).toBe('a;"b;c"\r\n');
  });
  it.each([
    ['Teléfono,Nombre', ','],
    ['Teléfono;Nombre;Correo', ';'],
    ['"Nombre, completo";Tel', ';'],
    ['a\tb\tc', '\t'],
    ['solo', ','],
  ])('detectDelimiter(%j) = %j', (line, d) => expect(detectDelimiter(line)).toBe(d));
  it('detects encodings', () => {
    expect(detectEncoding(Buffer.from('Teléfono', 'utf8'))).toBe('utf-8');
    expect(detectEncoding(Buffer.from('Tel\xe9fono', 'latin1'))).toBe('windows-1252');
    expect(detectEncoding(Buffer.from([0xff, 0xfe, 0x41, 0]))).toBe('utf-16le');
    // A character cut at the end of the sample is not a reason to switch.
    expect(detectEncoding(Buffer.from('Teléfono', 'utf8').subarray(0, 4))).toBe('utf-8');
  });
});

const plan: FieldDefinition = { key: 'plan', label: 'Plan', type: 'choice', options: ['basic', 'pro'] };

describe('mapping', () => {
  it('suggests targets from Spanish and English headers', () => {
    const headers = ['Teléfono móvil', 'Nombre', 'Apellidos', 'Correo electrónico', 'Empresa', 'Etiquetas', 'Tipo', 'Idioma', 'Zona horaria', 'Plan', 'Consentimiento', 'Texto consentimiento', 'Fecha consentimiento', 'Notas'];
    expect(suggestMapping(headers, [plan])).toEqual([
      'phone', 'name', 'name.last', 'email', 'organization', 'tags', 'kind', 'preferred_language', 'time_zone', 'field.plan', 'consent.marketing', 'consent.evidence', 'consent.date', 'ignore',
    ]);
    expect(suggestMapping(['Phone', 'Full name', 'E-mail', 'Company', 'Tags'])).toEqual(['phone', 'name', 'email', 'organization', 'tags']);
    expect(suggestMapping(['Celular', 'WhatsApp'])).toEqual(['phone', 'ignore']);
    expect(suggestMapping(['Móvil', 'Telefono'])).toEqual(['ignore', 'phone']);
    // A Charla export: phone (E.164) wins over wa_id; derived columns are ignored.
    expect(suggestMapping(['id', 'name', 'phone', 'wa_id', 'country', 'market', 'consent.marketing', 'field.plan', 'created_at'], [plan])).toEqual([
      'ignore', 'name', 'phone', 'ignore', 'ignore', 'ignore', 'consent.marketing', 'field.plan', 'ignore',
    ]);
    expect(suggestMapping(['Etiquetas', 'Tags'])).toEqual(['tags', 'tags']);
  });
  it('parses --map specs', () => {
    expect(parseMapSpec('Teléfono=phone, Nombre=name,a=b=field.x')).toEqual({ ok: true, mapping: { Teléfono: 'phone', Nombre: 'name', 'a=b': 'field.x' } });
    expect(parseMapSpec('Teléfono')).toMatchObject({ ok: false });
  });
  it('an explicit mapping wins over a suggestion for the same target', () => {
    const r = compileMapping({ headers: ['Teléfono', 'Móvil'], mapping: { 'Móvil': 'phone' }, fields: [] });
    expect(r).toMatchObject({ ok: true, columns: [{ target: 'ignore' }, { target: 'phone' }] });
  });
  it('lists every problem of a mapping', () => {
    const r = compileMapping({ headers: ['A', 'B'], mapping: { A: 'nombre', C: 'phone', B: 'consent.marketing' }, fields: [] });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toEqual([
        expect.stringMatching(/^Column "A": "nombre" is not a target/),
        expect.stringMatching(/column "C", which is not in the file/),
        expect.stringMatching(/No column maps to phone/),
        expect.stringMatching(/consent\.marketing needs evidence/),
      ]);
    }
  });
});

describe('row values', () => {
  it.each([
    ['cliente', 'customer'], ['Proveedor', 'supplier'], ['prospecto', 'lead'], ['LEAD', 'lead'], ['jefe', null],
  ])('parseKind(%j) = %j', (v, k) => expect(parseKind(v)).toBe(k));
  it.each([
    ['sí', 'opted_in'], ['SI', 'opted_in'], ['yes', 'opted_in'], ['opted_in', 'opted_in'], ['1', 'opted_in'], ['x', 'opted_in'],
    ['no', 'opted_out'], ['opted_out', 'opted_out'], ['baja', 'opted_out'], ['0', 'opted_out'], ['quizás', null],
  ])('parseConsentState(%j) = %j', (v, s) => expect(parseConsentState(v)).toBe(s));
  it.each([
    ['es', 'es'], ['es_MX', 'es-MX'], ['pt-br', 'pt-BR'], ['Español', 'es'], ['English', 'en'], ['xx-', null], ['12', null],
  ])('parseLanguage(%j) = %j', (v, l) => expect(parseLanguage(v)).toBe(l));
  it.each([
    ['Europe/Madrid', 'Europe/Madrid'], ['america/mexico_city', 'America/Mexico_City'], ['Mars/Olympus', null], ['', null],
  ])('parseTimeZone(%j) = %j', (v, tz) => expect(parseTimeZone(v)).toBe(tz));
  it.each([
    ['2025-03-15', '2025-03-15T00:00:00.000Z'],
    ['15/03/2025', '2025-03-15T00:00:00.000Z'],
    ['15-03-2025 14:30', '2025-03-15T14:30:00.000Z'],
    ['2025-03-15T10:00:00+01:00', '2025-03-15T09:00:00.000Z'],
    ['31/02/2025', null],
    ['03/15/2025', null],
    ['ayer', null],
  ])('parseDate(%j) = %j', (v, iso) => expect(parseDate(v)?.toISOString() ?? null).toBe(iso));

  const columns = ['phone', 'name.first', 'name.last', 'tags', 'tags', 'field.plan'].map((target, index) => ({ index, header: `H${index}`, target }));
  const ctx = { columns, fields: new Map([['plan', plan]]), defaultCountry: 'AR', now: new Date('2026-01-01T00:00:00Z') };
  it('joins first and last names, merges tag columns, normalises numbers and fields', () => {
    const r = interpretRow(2, ["'+54 9 11 2345-6789", ' Sofía ', 'Díaz', 'vip; ba|VIP', 'nuevo', 'PRO'], ctx);
    expect(r).toMatchObject({ ok: true, draft: { waId: '5491123456789', e164: '+5491123456789', name: 'Sofía Díaz', tags: ['vip', 'ba', 'nuevo'], fields: { plan: 'pro' } } });
  });
  it('reports every problem of a row, and rows with cells past the header', () => {
    const r = interpretRow(7, ['11 2345', '', '', '', '', 'gold'], ctx);
    expect(r).toMatchObject({ ok: false, row: 7, problems: [{ column: 'H0', value: '11 2345' }, { column: 'H5', value: 'gold' }] });
    const extra = interpretRow(8, ['+5491123456789', 'a', 'b', '', '', '', 'stray'], ctx);
    expect(extra).toMatchObject({ ok: false, problems: [{ column: null, value: 'stray', reason: expect.stringMatching(/7 cells but the header has 6/) }] });
    const empty = interpretRow(9, ['', 'Ana', '', '', '', ''], ctx);
    expect(empty).toMatchObject({ ok: false, problems: [{ column: 'H0', reason: expect.stringMatching(/no phone to identify the contact/) }] });
  });
});

describe('export cells', () => {
  it('renders custom field values the importer reads back', () => {
    expect([fieldText(['a', 'b']), fieldText(true), fieldText(false), fieldText(3.5), fieldText(null), fieldText(undefined)]).toEqual(['a; b', 'yes', 'no', '3.5', '', '']);
    expect(exportHeader([plan]).slice(-2)).toEqual(['field.plan', 'created_at']);
    const cells = exportCells(
      {
        id: 'x', name: null, e164: '+34612345678', wa_id: '34612345678', bsuid: null, username: null, email: null, kind: 'lead', organization: null, tags: null,
        country: 'ES', market: 'Spain', preferred_language: null, time_zone: null, consent_marketing: 'opted_in', consent_utility: null, fields: { plan: 'pro' }, created_at: '2026-01-01T00:00:00Z',
      },
      [plan],
    );
    expect(csvRow(cells)).toBe("x,,'+34612345678,34612345678,,,,lead,,,ES,Spain,,,opted_in,,pro,2026-01-01T00:00:00.000Z\r\n");
  });
});
