/**
 * Contacts as CSV, streamed page by page (never the whole table in memory). Every cell goes through
 * the formula neutraliser; phone numbers too, so the `phone` column (E.164) reads `'+34612345678`
 * in a spreadsheet while `wa_id` carries the same number as plain digits. The importer strips that
 * apostrophe again, so an export imports back unchanged.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Store } from '../store/connection.ts';
import type { FieldDefinition, FieldValue } from '../core/fields.ts';
import { fieldDefinitions } from './fields.ts';
import { segmentWhere } from './segments.ts';
import { csvRow, UTF8_BOM, type Delimiter } from './import/csv.ts';

export const EXPORT_BASE_COLUMNS = [
  'id', 'name', 'phone', 'wa_id', 'bsuid', 'username', 'email', 'kind', 'organization', 'tags', 'country', 'market',
  'preferred_language', 'time_zone', 'consent.marketing', 'consent.utility',
] as const;

export interface ExportRow {
  id: string;
  name: string | null;
  e164: string | null;
  wa_id: string | null;
  bsuid: string | null;
  username: string | null;
  email: string | null;
  kind: string;
  organization: string | null;
  tags: string | null;
  country: string | null;
  market: string | null;
  preferred_language: string | null;
  time_zone: string | null;
  consent_marketing: string | null;
  consent_utility: string | null;
  fields: Record<string, FieldValue> | null;
  created_at: Date | string;
}

/** Header: the base columns, one `field.<key>` per custom field, then created_at. */
export function exportHeader(fields: readonly FieldDefinition[]): string[] {
  return [...EXPORT_BASE_COLUMNS, ...fields.map((f) => `field.${f.key}`), 'created_at'];
}

/** A custom field value as text the importer reads back (lists with "; ", booleans as yes/no). */
export function fieldText(v: FieldValue | undefined): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.join('; ');
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}

/** One contact's cells, in exportHeader order (not yet neutralised; csvRow does that). */
export function exportCells(r: ExportRow, fields: readonly FieldDefinition[]): string[] {
  const f = r.fields ?? {};
  return [
    r.id, r.name ?? '', r.e164 ?? '', r.wa_id ?? '', r.bsuid ?? '', r.username ?? '', r.email ?? '', r.kind, r.organization ?? '',
    r.tags ?? '', r.country ?? '', r.market ?? '', r.preferred_language ?? '', r.time_zone ?? '', r.consent_marketing ?? '',
    r.consent_utility ?? '', ...fields.map((d) => fieldText(f[d.key])),
    r.created_at instanceof Date ? r.created_at.toISOString() : new Date(r.created_at).toISOString(),
  ];
}

export interface ExportOptions {
  /** A filter in the segment language; all live contacts when absent. */
  segment?: string | undefined;
  delimiter?: Delimiter;
  /** Start with a UTF-8 byte-order mark (default), so Excel shows accents right. */
  bom?: boolean;
  now?: Date;
  pageSize?: number;
}

/**
 * The CSV text in chunks (one per page of contacts). The filter is checked before the first chunk,
 * so a bad filter throws (HttpError 400) instead of ending a half-sent file.
 */
export async function exportContactsCsv(store: Store, opts: ExportOptions = {}): Promise<AsyncGenerator<string>> {
  const where: SQL = opts.segment?.trim() ? await segmentWhere(store.db, opts.segment, { now: opts.now ?? new Date() }) : sql`c.merged_into is null`;
  const fields = await fieldDefinitions(store.db, 'contact');
  const delimiter = opts.delimiter ?? ',';
  const pageSize = opts.pageSize ?? 1000;
  return (async function* () {
    yield (opts.bom === false ? '' : UTF8_BOM) + csvRow(exportHeader(fields), delimiter);
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      // Keyset pagination on id: each page is one short query, whatever the table size.
      const rows = await store.rows<ExportRow>(sql`
        select c.id, coalesce(c.name, c.profile_name) as name, c.e164, c.wa_id, c.bsuid, c.username, c.email, c.kind,
          o.name as organization,
          (select string_agg(t.name, '; ' order by t.name) from contact_tags ct join tags t on t.id = ct.tag_id where ct.contact_id = c.id) as tags,
          c.country, c.market, c.preferred_language, c.time_zone,
          (select s.state from consents s where s.contact_id = c.id and s.category = 'marketing') as consent_marketing,
          (select s.state from consents s where s.contact_id = c.id and s.category = 'utility') as consent_utility,
          c.fields, c.created_at
        from contacts c left join organizations o on o.id = c.organization_id
        where c.merged_into is null and ${where} and c.id > ${after}::uuid
        order by c.id
        limit ${pageSize}`);
      if (rows.length === 0) return;
      yield rows.map((r) => csvRow(exportCells(r, fields), delimiter)).join('');
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1]!.id;
    }
  })();
}
