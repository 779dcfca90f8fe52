import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { describeEachEngine } from '../helpers/store.ts';
import { testContext } from '../helpers/context.ts';
import { buildApp } from '../../src/http/app.ts';
import { createSegment } from '../../src/crm/segments.ts';
import { importRoutes, waitForImport } from '../../src/crm/import-routes.ts';
import { contacts } from '../../src/messaging/schema.ts';
import { createField } from '../../src/crm/fields.ts';

/** A multipart/form-data body with text fields and one file. */
export function multipartBody(fields: Record<string, string>, file?: { name: string; content: string | Buffer }) {
  const boundary = `----charla${Math.random().toString(16).slice(2)}`;
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.name}"\r\nContent-Type: text/csv\r\n\r\n`));
    parts.push(typeof file.content === 'string' ? Buffer.from(file.content) : file.content);
    parts.push(Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

describeEachEngine('import and export HTTP', (ctx) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildApp({ store: ctx.store, logger: false });
    await app.register(importRoutes, { ctx: testContext(ctx.store) });
    await app.ready();
  });
  afterAll(() => app.close());
  beforeEach(async () => {
    await ctx.store.db.execute(sql`truncate contacts, organizations, tags, custom_fields, import_jobs, consent_events, consents cascade`);
  });

  const upload = (url: string, fields: Record<string, string>, csv?: string) => {
    const body = multipartBody(fields, csv === undefined ? undefined : { name: 'clientes.csv', content: csv });
    return app.inject({ method: 'POST', url, ...body });
  };

  it('previews the first rows with a mapping suggested from Spanish headers', async () => {
    await createField(ctx.store.db, { entity: 'contact', key: 'ciudad', label: 'Ciudad', type: 'text' });
    const csv = '\uFEFFTeléfono;Nombre;Correo electrónico;Empresa;Etiquetas;Ciudad;Otra\r\n612345678;Ana;a@x.es;Sol SL;vip;Madrid;?\r\n';
    const res = await upload('/api/v1/imports/preview', {}, csv);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      fileName: 'clientes.csv',
      delimiter: ';',
      encoding: 'utf-8',
      headers: ['Teléfono', 'Nombre', 'Correo electrónico', 'Empresa', 'Etiquetas', 'Ciudad', 'Otra'],
      rows: [['612345678', 'Ana', 'a@x.es', 'Sol SL', 'vip', 'Madrid', '?']],
      suggestedMapping: { Teléfono: 'phone', Nombre: 'name', 'Correo electrónico': 'email', Empresa: 'organization', Etiquetas: 'tags', Ciudad: 'field.ciudad', Otra: 'ignore' },
      problems: [],
    });
  });

  it('runs an import in the background: 202, progress, rejected rows by page and as CSV', async () => {
    const csv = 'Teléfono,Nombre\n612345678,Ana\n12,Corto\n699887766,Pepe\nabc,Letras\n';
    const res = await upload('/api/v1/imports', { options: JSON.stringify({ defaultCountry: 'ES', onExisting: 'skip' }) }, csv);
    expect(res.statusCode).toBe(202);
    const job = res.json();
    expect(job).toMatchObject({ state: 'pending', fileName: 'clientes.csv', options: { defaultCountry: 'ES', onExisting: 'skip', mapping: { Teléfono: 'phone', Nombre: 'name' } } });
    expect(res.headers.location).toBe(`/api/v1/imports/${job.id}`);
    await waitForImport(job.id);

    const done = (await app.inject(`/api/v1/imports/${job.id}`)).json();
    expect(done).toMatchObject({ state: 'done', totalRows: 4, processedRows: 4, created: 2, rejected: 2, skipped: 0, percent: 100 });
    expect(await ctx.store.db.$count(contacts)).toBe(2);

    const page1 = (await app.inject(`/api/v1/imports/${job.id}/rows?outcome=rejected&limit=1`)).json();
    expect(page1.items).toMatchObject([{ row: 3, outcome: 'rejected', column: 'Teléfono', value: '12' }]);
    const page2 = (await app.inject(`/api/v1/imports/${job.id}/rows?outcome=rejected&limit=1&cursor=${encodeURIComponent(page1.nextCursor)}`)).json();
    expect(page2).toMatchObject({ items: [{ row: 5, column: 'Teléfono', value: 'abc' }], nextCursor: null });

    const file = await app.inject(`/api/v1/imports/${job.id}/rejected.csv`);
    expect(file.headers['content-type']).toMatch(/text\/csv/);
    const lines = file.body.replace(/^\uFEFF/, '').trim().split('\r\n');
    expect(lines[0]).toBe('row,column,value,reason');
    expect(lines.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['3,Teléfono,12', '5,Teléfono,abc']);
  });

  it('accepts single form fields, refuses an unusable mapping with 422 and a missing file with 400', async () => {
    const ok = await upload('/api/v1/imports', { defaultCountry: 'MX', dryRun: 'true' }, 'Celular\n55 1234 5678\n');
    expect(ok.statusCode).toBe(202);
    await waitForImport(ok.json().id);
    expect((await app.inject(`/api/v1/imports/${ok.json().id}`)).json()).toMatchObject({ state: 'done', dryRun: true, created: 1 });
    expect(await ctx.store.db.$count(contacts)).toBe(0);

    const bad = await upload('/api/v1/imports', {}, 'Ciudad,Nombre\nMadrid,Ana\n');
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error).toMatchObject({ code: 'import_not_possible', message: expect.stringMatching(/No column maps to phone/) });

    const none = await upload('/api/v1/imports', { options: '{}' });
    expect(none.statusCode).toBe(400);
    expect(none.json().error.message).toMatch(/no file/);

    const json = await app.inject({ method: 'POST', url: '/api/v1/imports', payload: { a: 1 } });
    expect(json.statusCode).toBe(415);
    const missing = await app.inject('/api/v1/imports/00000000-0000-4000-8000-000000000000');
    expect(missing.statusCode).toBe(404);
  });

  it('exports contacts as CSV with formulas neutralised, and the export imports back unchanged', async () => {
    await createField(ctx.store.db, { entity: 'contact', key: 'nota', label: 'Nota', type: 'text' });
    const csv = [
      'phone,name,email,kind,organization,tags,preferred_language,time_zone,field.nota,consent.marketing',
      `+34612345678,"=cmd|' /C calc'!A0",ana@x.es,customer,@SUM(1),"vip; -1",es,Europe/Madrid,+34 otra,yes`,
      `+5215512345678,"Luis, ""el jefe""",,lead,,,es-MX,America/Mexico_City,-1,no`,
    ].join('\n');
    const first = await upload('/api/v1/imports', { options: JSON.stringify({ consentEvidence: 'Alta en tienda' }) }, csv);
    await waitForImport(first.json().id);
    expect((await app.inject(`/api/v1/imports/${first.json().id}`)).json()).toMatchObject({ created: 2, rejected: 0 });

    const exported = await app.inject('/api/v1/contacts/export.csv');
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-disposition']).toMatch(/attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"/);
    const text = exported.body;
    expect(text.startsWith('\uFEFFid,name,phone,wa_id,bsuid,username,email,kind,organization,tags,country,market,preferred_language,time_zone,consent.marketing,consent.utility,field.nota,created_at\r\n')).toBe(true);
    // No cell begins with a formula character.
    expect(text).toContain(`"'=cmd|' /C calc'!A0"`);
    expect(text).toContain(`'+34612345678,34612345678,`);
    expect(text).toContain(`,'@SUM(1),`);
    expect(text).toContain(`"'-1; vip"`);
    expect(text).toContain(`,'-1,`);
    expect(text).toContain(`'+34 otra`);
    expect(text).toContain(`"Luis, ""el jefe"""`);
    for (const line of text.replace(/^\uFEFF/, '').split('\r\n')) for (const cell of line.split(',')) expect(cell).not.toMatch(/^[=+\-@\t\r]/);

    const before = await ctx.store.db.select().from(contacts).orderBy(contacts.waId);
    await ctx.store.db.execute(sql`truncate contacts, organizations, tags, consents, consent_events cascade`);
    const again = await upload('/api/v1/imports', { options: JSON.stringify({ consentEvidence: 'Re-import of Charla export' }) }, text);
    expect(again.statusCode).toBe(202);
    await waitForImport(again.json().id);
    expect((await app.inject(`/api/v1/imports/${again.json().id}`)).json()).toMatchObject({ created: 2, rejected: 0 });
    const after = await ctx.store.db.select().from(contacts).orderBy(contacts.waId);
    const strip = (c: (typeof before)[number]) => ({ waId: c.waId, e164: c.e164, name: c.name, email: c.email, kind: c.kind, fields: c.fields, preferredLanguage: c.preferredLanguage, timeZone: c.timeZone, country: c.country, market: c.market });
    expect(after.map(strip)).toEqual(before.map(strip));
    const reExport = await app.inject('/api/v1/contacts/export.csv?bom=false&delimiter=semicolon');
    const body = (s: string) => s.replace(/^\uFEFF/, '').split('\r\n').map((l) => l.split(/[;,]/).slice(1, -1).join('|'));
    // Same cells (but id and created_at), whatever the row order (rows come in id order).
    expect(body(reExport.body).slice(1).sort()).toEqual(body(text).slice(1).sort());
  });

  it('exports only the contacts of a segment filter, and refuses a bad filter with 400', async () => {
    const csv = 'phone,name,kind\n+34600000001,Uno,customer\n+34600000002,Dos,lead\n';
    const r = await upload('/api/v1/imports', {}, csv);
    await waitForImport(r.json().id);
    const res = await app.inject(`/api/v1/contacts/export.csv?segment=${encodeURIComponent('kind = customer')}`);
    expect(res.statusCode).toBe(200);
    const lines = res.body.trim().split('\r\n');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain(',Uno,');
    const bad = await app.inject(`/api/v1/contacts/export.csv?segment=${encodeURIComponent('kind ==== ')}`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('invalid_filter');

    // A saved segment by id: its filter as it is now, its name in the file name.
    const seg = await createSegment(ctx.store.db, { name: 'Clientes Ñandú', filter: 'kind = lead' }, new Date());
    const bySaved = await app.inject(`/api/v1/contacts/export.csv?segmentId=${seg.id}`);
    expect(bySaved.statusCode).toBe(200);
    expect(bySaved.headers['content-disposition']).toMatch(/filename="contacts-Clientes-Nandu-\d{4}-\d\d-\d\d\.csv"/);
    expect(bySaved.body.trim().split('\r\n').slice(1).map((l) => l.includes(',Dos,'))).toEqual([true]);
    expect((await app.inject(`/api/v1/contacts/export.csv?segmentId=${seg.id}&segment=kind%20%3D%20lead`)).statusCode).toBe(400);
    expect((await app.inject('/api/v1/contacts/export.csv?segmentId=00000000-0000-4000-8000-000000000000')).statusCode).toBe(404);
  });
});
