import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { describeEachEngine } from '../helpers/store.ts';
import { TestClock } from '../helpers/context.ts';
import type { Store } from '../../src/store/connection.ts';
import { contacts } from '../../src/messaging/schema.ts';
import { consentEvents, consents, importJobs, importRowReports, organizations } from '../../src/crm/schema.ts';
import { createField } from '../../src/crm/fields.ts';
import { sourceOf } from '../../src/crm/import/csv.ts';
import { createImportJob, ImportSetupError, listRowReports, recoverInterruptedImports, INTERRUPTED_MESSAGE, type ImportOptionsInput } from '../../src/crm/import/jobs.ts';
import { pgArray, runImport } from '../../src/crm/import/run.ts';
import { formatProblem } from '../../src/crm/import/rows.ts';

const fixture = (name: string) => readFileSync(join(import.meta.dirname, '../fixtures/csv', name));

async function reset(store: Store) {
  await store.db.execute(sql`truncate contacts, organizations, tags, custom_fields, import_jobs, consent_events, consents cascade`);
}

async function importCsv(store: Store, csv: string | Buffer, options: ImportOptionsInput = {}, batchSize = 3) {
  const clock = new TestClock();
  const source = sourceOf(csv);
  const job = await createImportJob({ store, clock }, source, { fileName: 'test.csv', options });
  const view = await runImport({ store, clock }, job.id, source, { batchSize });
  const reports = (await listRowReports(store.db, job.id, { limit: 1000 })).items;
  return { view, reports, rejected: reports.filter((r) => r.outcome === 'rejected') };
}

async function contactByWa(store: Store, waId: string) {
  const [c] = await store.db.select().from(contacts).where(eq(contacts.waId, waId));
  return c;
}

describeEachEngine('CSV import', (ctx) => {
  beforeEach(async () => {
    await reset(ctx.store);
    await createField(ctx.store.db, { entity: 'contact', key: 'plan', label: 'Plan', type: 'choice', options: ['basic', 'pro'] });
  });

  it('imports good rows and reports every bad row with row, column, value and reason', async () => {
    const { view, reports, rejected } = await importCsv(ctx.store, fixture('mixed.csv'), { defaultCountry: 'ES' });
    expect(view).toMatchObject({ state: 'done', totalRows: 13, processedRows: 13, created: 5, updated: 0, skipped: 1, rejected: 7, percent: 100 });
    const lines = rejected.map((r) => formatProblem(r.row, { column: r.column, value: r.value, reason: r.reason! }));
    expect(lines).toEqual([
      expect.stringMatching(/^Row 4, column "Teléfono", value "612 34": the number is too short for Spain \(ES\)/),
      expect.stringMatching(/^Row 8, column "Correo", value "no-es-correo": this is not an e-mail address/),
      expect.stringMatching(/^Row 9, column "Tipo", value "jefe": the kind must be/),
      expect.stringMatching(/^Row 10, column "Plan", value "platinum": Plan: "platinum" is not one of the options/),
      expect.stringMatching(/^Row 11, column "Marketing", value "quizás": consent must be yes or no/),
      expect.stringMatching(/^Row 13, column "Fecha consentimiento", value "01\/01\/2099": the consent date is in the future/),
      expect.stringMatching(/^Row 14, column "Teléfono", value "abc": the number contains "a", "b", "c"/),
    ]);
    expect(reports.find((r) => r.outcome === 'skipped')).toMatchObject({ row: 6, reason: expect.stringMatching(/Same phone number \(\+34612345678\) as row 2/) });

    const ana = await contactByWa(ctx.store, '34612345678');
    expect(ana).toMatchObject({ name: 'Ana García', email: 'ana@example.es', kind: 'customer', e164: '+34612345678', country: 'ES', market: 'Spain', fields: { plan: 'pro' } });
    const luis = await contactByWa(ctx.store, '5215512345678');
    const luis2 = luis ?? (await contactByWa(ctx.store, '525512345678'));
    expect(luis2).toMatchObject({ name: 'Luis Pérez', kind: 'lead', market: 'Mexico' });
    expect(await contactByWa(ctx.store, '5491123456789')).toMatchObject({ name: 'Sofía Díaz', kind: 'supplier', market: 'Argentina' });
    const [noPhone] = await ctx.store.db.select().from(contacts).where(eq(contacts.email, 'sin@example.es'));
    expect(noPhone).toMatchObject({ waId: null, name: 'Sin Teléfono' });
    // Nothing of a rejected row was written.
    const all = await ctx.store.db.select({ name: contacts.name }).from(contacts);
    expect(all.map((c) => c.name).sort()).toEqual(['Ana García', 'Luis Pérez', 'Sin Teléfono', 'Sofía Díaz', 'Solo Nombre']);
    // Organizations and tags are shared case-insensitively.
    const orgs = await ctx.store.db.select().from(organizations);
    expect(orgs.map((o) => o.name).sort()).toEqual(['Panadería Sol', 'Tacos SA']);
    const solo = await contactByWa(ctx.store, '34611223344');
    expect(solo!.organizationId).toBe(ana!.organizationId);
    const tagRows = await ctx.store.rows<{ wa_id: string; names: string }>(sql`
      select c.wa_id, string_agg(t.name, ',' order by t.name) as names from contact_tags ct join contacts c on c.id = ct.contact_id join tags t on t.id = ct.tag_id group by c.wa_id order by c.wa_id`);
    expect(tagRows).toEqual(expect.arrayContaining([{ wa_id: '34611223344', names: 'vip' }, { wa_id: '34612345678', names: 'madrid,vip' }, { wa_id: '5491123456789', names: 'argentina,vip' }]));
    // Consent with evidence and date from the row, recorded by the job.
    const events = await ctx.store.db.select().from(consentEvents).orderBy(consentEvents.at);
    expect(events).toHaveLength(2);
    expect(events.find((e) => e.contactId === ana!.id)).toMatchObject({
      category: 'marketing', state: 'opted_in', source: 'import', evidence: 'Formulario web 2025', recordedBy: `import:${view.id}`, at: new Date('2025-03-15T00:00:00Z'),
    });
    expect(events.find((e) => e.contactId === luis2!.id)).toMatchObject({ state: 'opted_out', source: 'import' });
    const current = await ctx.store.db.select().from(consents).where(eq(consents.contactId, ana!.id));
    expect(current).toMatchObject([{ category: 'marketing', state: 'opted_in' }]);
  });

  it('reads UTF-8 with BOM, ";" delimiters, CRLF and quoted fields with delimiters and line breaks', async () => {
    const csv = '\uFEFFMóvil;Nombre;Notas\r\n"+34 600 11 22 33";"García; Ana";"línea 1\r\nlínea 2"\r\n600112234;Pedro;x\r\n';
    const { view, rejected } = await importCsv(ctx.store, csv, { defaultCountry: 'ES' });
    expect(rejected).toEqual([]);
    expect(view).toMatchObject({ state: 'done', created: 2, options: { delimiter: ';', encoding: 'utf-8', mapping: { 'Móvil': 'phone', Nombre: 'name', Notas: 'ignore' } } });
    expect(await contactByWa(ctx.store, '34600112233')).toMatchObject({ name: 'García; Ana' });
  });

  it('reads Windows-1252 files (Excel "CSV" in Spanish) with their accents', async () => {
    const csv = Buffer.from('Tel\xe9fono;Nombre\r\n600 33 44 55;Mar\xeda Nu\xf1ez\r\n', 'latin1');
    const { view } = await importCsv(ctx.store, csv, { defaultCountry: 'ES' });
    expect(view).toMatchObject({ created: 1, options: { encoding: 'windows-1252' } });
    expect(await contactByWa(ctx.store, '34600334455')).toMatchObject({ name: 'María Nuñez' });
  });

  it('dedupes against existing contacts by wa_id and by e-mail when there is no phone; update, fill and skip', async () => {
    const now = new Date();
    await ctx.store.db.insert(contacts).values([
      { waId: '34611000001', e164: '+34611000001', name: 'Old Name', email: 'old@x.es', kind: 'customer', fields: { plan: 'basic' }, createdAt: now, updatedAt: now },
      { email: 'mail@only.es', name: 'Mail Only', createdAt: now, updatedAt: now },
    ]);
    const csv = 'phone,name,email,kind,field.plan\n+34 611 000 001,New Name,,lead,pro\n,Mail Renamed,MAIL@only.es,,\n611000002,Brand New,,,\n';

    const skip = await importCsv(ctx.store, csv, { defaultCountry: 'ES', onExisting: 'skip' });
    expect(skip.view).toMatchObject({ created: 1, updated: 0, skipped: 2 });
    expect(skip.reports.filter((r) => r.outcome === 'skipped').map((r) => r.reason)).toEqual([
      expect.stringMatching(/already exists \(matched by phone number\) and onExisting is skip/),
      expect.stringMatching(/already exists \(matched by e-mail\)/),
    ]);
    expect(await contactByWa(ctx.store, '34611000001')).toMatchObject({ name: 'Old Name', kind: 'customer' });

    const fill = await importCsv(ctx.store, csv, { defaultCountry: 'ES', onExisting: 'fill' });
    expect(fill.view).toMatchObject({ created: 0, updated: 3 });
    expect(await contactByWa(ctx.store, '34611000001')).toMatchObject({ name: 'Old Name', kind: 'customer', email: 'old@x.es', fields: { plan: 'basic' } });

    const update = await importCsv(ctx.store, csv, { defaultCountry: 'ES', onExisting: 'update' });
    expect(update.view).toMatchObject({ created: 0, updated: 3 });
    // Empty cells never clear a value.
    expect(await contactByWa(ctx.store, '34611000001')).toMatchObject({ name: 'New Name', kind: 'lead', email: 'old@x.es', fields: { plan: 'pro' } });
    const [mail] = await ctx.store.db.select().from(contacts).where(eq(contacts.email, 'mail@only.es'));
    expect(mail).toMatchObject({ name: 'Mail Renamed' });
    expect(await ctx.store.db.$count(contacts)).toBe(3);
  });

  it('a dry run reports what each row would do and writes no contacts', async () => {
    const now = new Date();
    await ctx.store.db.insert(contacts).values({ waId: '34611000001', e164: '+34611000001', name: 'Existing', createdAt: now, updatedAt: now });
    const csv = 'Teléfono,Nombre,Empresa,Etiquetas,Marketing\n611000001,Upd,Org A,t1,sí\n611000002,New,Org B,t2,sí\n12,Bad,,,\n611 000 002,Dup,,,\n';
    const { view, reports } = await importCsv(ctx.store, csv, { defaultCountry: 'ES', dryRun: true, consentEvidence: 'Papel firmado' });
    expect(view).toMatchObject({ state: 'done', dryRun: true, created: 1, updated: 1, rejected: 1, skipped: 1 });
    expect(reports.map((r) => [r.row, r.outcome])).toEqual([[2, 'updated'], [3, 'created'], [4, 'rejected'], [5, 'skipped']]);
    expect(await ctx.store.db.$count(contacts)).toBe(1);
    expect(await contactByWa(ctx.store, '34611000001')).toMatchObject({ name: 'Existing' });
    expect(await ctx.store.db.$count(organizations)).toBe(0);
    expect(await ctx.store.db.$count(consentEvents)).toBe(0);
  });

  it('uses the job-wide consent evidence when the row has none', async () => {
    const { view } = await importCsv(ctx.store, 'phone,consent.marketing,consent.utility\n+34600000001,yes,opted_in\n', { consentEvidence: 'Hoja de alta en tienda' });
    expect(view.created).toBe(1);
    const events = await ctx.store.db.select().from(consentEvents).orderBy(consentEvents.category);
    expect(events.map((e) => [e.category, e.state, e.evidence, e.recordedBy])).toEqual([
      ['marketing', 'opted_in', 'Hoja de alta en tienda', `import:${view.id}`],
      ['utility', 'opted_in', 'Hoja de alta en tienda', `import:${view.id}`],
    ]);
  });

  it('refuses a mapping it cannot use before creating a job', async () => {
    const clock = new TestClock();
    const bad = (csv: string, options: ImportOptionsInput) => createImportJob({ store: ctx.store, clock }, sourceOf(csv), { options });
    await expect(bad('Nombre,Ciudad\nAna,Madrid\n', {})).rejects.toThrow(/No column maps to phone, email or bsuid/);
    await expect(bad('Tel,Marketing\n600,sí\n', {})).rejects.toThrow(/consent\.marketing needs evidence/);
    await expect(bad('Tel\n600\n', { mapping: { Telefono: 'phone' } })).rejects.toThrow(/names column "Telefono", which is not in the file/);
    await expect(bad('Tel,X\n600,1\n', { mapping: { X: 'field.nope' } })).rejects.toThrow(/no custom field "nope"/);
    await expect(bad('Tel,Mobile\n600,1\n', { mapping: { Tel: 'phone', Mobile: 'phone' } })).rejects.toThrow(/all map to phone/);
    await expect(bad('Tel\n600\n', { defaultCountry: 'XX' })).rejects.toBeInstanceOf(ImportSetupError);
    expect(await ctx.store.db.$count(importJobs)).toBe(0);
  });

  it('sends whole columns as array literals that survive quotes, backslashes, braces, commas and NULL', async () => {
    const values = ['a', '', null, 'NULL', 'say "hi"', 'back\\slash', '{x,y}', 'é ñ', ' sp '];
    const rows = await ctx.store.rows<{ v: string | null }>(sql`select unnest(${pgArray(values)}::text[]) as v`);
    expect(rows.map((r) => r.v)).toEqual(values);
  });

  it('marks a running job of a dead process as failed', async () => {
    const [job] = await ctx.store.db
      .insert(importJobs)
      .values({ state: 'running', options: { runner: { instance: 'gone-1', pid: 1, heartbeatAt: '2020-01-01T00:00:00Z' } }, processedRows: 500, totalRows: 1000 })
      .returning();
    const fresh = await ctx.store.db
      .insert(importJobs)
      .values({ state: 'running', options: { runner: { instance: 'other-live', pid: 2, heartbeatAt: new Date().toISOString() } } })
      .returning();
    const n = await recoverInterruptedImports({ store: ctx.store, clock: { now: () => new Date() } }, { staleAfterMs: 120_000 });
    expect(n).toBe(1);
    const [after] = await ctx.store.db.select().from(importJobs).where(eq(importJobs.id, job!.id));
    expect(after).toMatchObject({ state: 'failed', error: INTERRUPTED_MESSAGE, processedRows: 500 });
    const [live] = await ctx.store.db.select().from(importJobs).where(eq(importJobs.id, fresh[0]!.id));
    expect(live!.state).toBe('running');
  });

  it('a batch the database refuses is retried row by row: only the bad row is rejected', async () => {
    // A rule only the database knows, broken by the middle row of a batch.
    await ctx.store.db.execute(sql`alter table contacts add constraint test_no_boom check (name is distinct from 'Boom')`);
    const csv = 'phone,name\n+34600000001,Uno\n+34600000002,Boom\n+34600000003,Tres\n';
    const { view, rejected } = await importCsv(ctx.store, csv, {}, 10).finally(() => ctx.store.db.execute(sql`alter table contacts drop constraint test_no_boom`));
    expect(view).toMatchObject({ state: 'done', created: 2, rejected: 1 });
    expect(rejected).toMatchObject([{ row: 3, reason: expect.stringMatching(/the database refused the row: .*test_no_boom/) }]);
    expect(await ctx.store.db.$count(contacts)).toBe(2);
    expect(await ctx.store.db.$count(importRowReports)).toBe(1);
  });
});
