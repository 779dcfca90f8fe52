// Uploaded recipient lists (issue 8): a CSV whose phone column is matched to contacts (created when new), the other
// columns kept per row as send-time values for template variables (`send` mappings). Reuses the importer's CSV
// reader (delimiter and encoding sniffing, BOM) and the core phone rules.
import { sql } from 'drizzle-orm';
import type { Db } from '../store/connection.ts';
import { HttpError } from '../http/errors.ts';
import { readRecords, sniff, sourceOf, isEmptyRecord, CsvFormatError } from '../crm/import/csv.ts';
import { isBsuid, parsePhone } from '../core/phone.ts';
import { phoneVariants } from '../core/phone-variants.ts';
import { newContactValues } from '../messaging/contacts.ts';
import { campaignLists } from './schema.ts';

export interface ListInput {
  name: string;
  csv: string;
  /** Header of the phone (or BSUID) column; default: the first header that looks like one. */
  phoneColumn?: string;
  /** For numbers written without a country code. */
  defaultCountry?: string;
}

export interface ListView {
  id: string;
  name: string;
  columns: string[];
  rows: number;
  created: number;
  rejected: { row: number; value: string; reason: string }[];
  duplicates: number;
  createdAt: string;
}

const PHONE_HEADERS = ['phone', 'telefono', 'teléfono', 'movil', 'móvil', 'celular', 'whatsapp', 'numero', 'número', 'mobile', 'tel', 'wa_id'];

export async function createList(db: Db, input: ListInput, now: Date): Promise<ListView> {
  const source = sourceOf(input.csv);
  const head = await sniff(source);
  let header: string[] | null = null;
  let phoneIdx = -1;
  const parsed: { row: number; waId: string | null; bsuid: string | null; values: Record<string, string> }[] = [];
  const rejected: ListView['rejected'] = [];
  try {
    for await (const rec of readRecords(source, head)) {
      if (!header) {
        header = rec.cells.map((c) => c.trim());
        phoneIdx = input.phoneColumn
          ? header.findIndex((h) => h.toLowerCase() === input.phoneColumn!.toLowerCase())
          : header.findIndex((h) => PHONE_HEADERS.includes(h.toLowerCase()));
        if (phoneIdx < 0) {
          throw new HttpError(400, 'phone_column_missing', input.phoneColumn
            ? `There is no column "${input.phoneColumn}" in the file; the columns are: ${header.join(', ')}.`
            : `Say which column holds the phone numbers (phoneColumn); none of ${header.join(', ')} looks like one.`, { field: 'phoneColumn' });
        }
        continue;
      }
      if (isEmptyRecord(rec.cells)) continue;
      const raw = (rec.cells[phoneIdx] ?? '').trim();
      const values: Record<string, string> = {};
      header.forEach((h, i) => {
        if (i !== phoneIdx && h) values[h] = (rec.cells[i] ?? '').trim();
      });
      if (isBsuid(raw)) {
        parsed.push({ row: rec.row, waId: null, bsuid: raw, values });
        continue;
      }
      const p = parsePhone(raw, input.defaultCountry ? { defaultCountry: input.defaultCountry } : {});
      if (!p.ok) {
        rejected.push({ row: rec.row, value: raw, reason: p.error.message });
        continue;
      }
      parsed.push({ row: rec.row, waId: p.value.waId, bsuid: null, values });
    }
  } catch (err) {
    if (err instanceof CsvFormatError) throw new HttpError(400, 'invalid_csv', err.message, { field: 'csv' });
    throw err;
  }
  if (!header) throw new HttpError(400, 'invalid_csv', 'The file is empty; it needs a header row and one row per recipient.', { field: 'csv' });

  // Match every form of each number (Mexican 52 1…, Brazilian ninth digit) to existing contacts; create the rest.
  const waIds = [...new Set(parsed.flatMap((p) => (p.waId ? phoneVariants(p.waId) : [])))];
  const bsuids = [...new Set(parsed.flatMap((p) => (p.bsuid ? [p.bsuid] : [])))];
  const byKey = new Map<string, string>();
  const load = async () => {
    const found = (await db.execute(sql`select id, wa_id, bsuid, merged_into from contacts
      where wa_id in (select jsonb_array_elements_text(${JSON.stringify(waIds)}::jsonb))
         or bsuid in (select jsonb_array_elements_text(${JSON.stringify(bsuids)}::jsonb))`)) as unknown as { rows: { id: string; wa_id: string | null; bsuid: string | null; merged_into: string | null }[] };
    for (const c of found.rows) {
      const id = c.merged_into ?? c.id;
      if (c.wa_id) byKey.set(c.wa_id, id);
      if (c.bsuid) byKey.set(c.bsuid, id);
    }
  };
  await load();
  const lookup = (p: (typeof parsed)[number]) => (p.bsuid ? byKey.get(p.bsuid) : p.waId ? phoneVariants(p.waId).map((v) => byKey.get(v)).find(Boolean) : undefined);
  const missing = parsed.filter((p) => !lookup(p));
  const seen = new Set<string>();
  const toCreate = missing.filter((p) => {
    const k = p.waId ?? p.bsuid!;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  if (toCreate.length > 0) {
    const values = toCreate.map((p) => {
      const v = newContactValues({ waId: p.waId, bsuid: p.bsuid }, now);
      return { wa_id: v.waId ?? null, e164: v.e164 ?? null, bsuid: v.bsuid ?? null, country: v.country ?? null, market: v.market ?? null };
    });
    await db.execute(sql`insert into contacts (wa_id, e164, bsuid, country, market, kind, created_at, updated_at)
      select v.wa_id, v.e164, v.bsuid, v.country, v.market, 'lead', ${now.toISOString()}::timestamptz, ${now.toISOString()}::timestamptz
      from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(wa_id text, e164 text, bsuid text, country text, market text)
      on conflict do nothing`);
    await load();
  }
  const rows: { contactId: string; row: number; values: Record<string, string> }[] = [];
  const inList = new Set<string>();
  let duplicates = 0;
  for (const p of parsed) {
    const id = lookup(p);
    if (!id) {
      rejected.push({ row: p.row, value: p.waId ?? p.bsuid ?? '', reason: 'Could not match or create a contact for this number.' });
      continue;
    }
    // The same person twice in the file is messaged once, with the first row's values.
    if (inList.has(id)) {
      duplicates++;
      continue;
    }
    inList.add(id);
    rows.push({ contactId: id, row: p.row, values: p.values });
  }
  const columns = header.filter((_, i) => i !== phoneIdx);
  const [list] = await db.insert(campaignLists).values({ name: input.name, columns, rows, rejected, createdAt: now }).returning();
  return { id: list!.id, name: list!.name, columns, rows: rows.length, created: toCreate.length, rejected, duplicates, createdAt: list!.createdAt.toISOString() };
}

export async function listLists(db: Db): Promise<Omit<ListView, 'created' | 'duplicates'>[]> {
  const rows = (await db.execute(sql`select id, name, columns, jsonb_array_length(rows) as n, rejected, created_at from campaign_lists order by created_at desc limit 200`)) as unknown as {
    rows: { id: string; name: string; columns: string[]; n: number; rejected: ListView['rejected']; created_at: Date | string }[];
  };
  return rows.rows.map((r) => ({ id: r.id, name: r.name, columns: r.columns, rows: Number(r.n), rejected: r.rejected, createdAt: new Date(r.created_at).toISOString() }));
}
