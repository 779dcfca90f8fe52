// The orders the contacts list offers. Each is a key that is never NULL plus the id, so a page follows the
// last one by keyset ((key, id) after the cursor's), whatever the sort.
import { sql, type SQL } from 'drizzle-orm';
import { FOLD_FROM, FOLD_TO } from '../core/segments/predicate.ts';
import { HttpError } from '../http/errors.ts';

/** `-` first means descending. */
export const CONTACT_SORTS = ['-created', 'created', 'name', '-name', '-last_inbound', 'last_inbound'] as const;
export type ContactSort = (typeof CONTACT_SORTS)[number];
export const DEFAULT_CONTACT_SORT: ContactSort = '-created';

/**
 * The display name lists show (contactView's displayName: name, WhatsApp profile name, @username, number,
 * BSUID; then the e-mail), folded like the name search, in byte order so that every server's collation sorts
 * it alike. contacts_display_name_sort_idx is on exactly this expression.
 */
export function displayNameSortKey(table = ''): string {
  const c = (col: string) => (table ? `"${table}"."${col}"` : col);
  return `(translate(lower(coalesce(${c('name')}, ${c('profile_name')}, '@' || ${c('username')}, ${c('e164')}, ${c('bsuid')}, ${c('email')}, '')), '${FOLD_FROM}', '${FOLD_TO}') collate "C")`;
}
/** As the index is declared (its columns unqualified). */
export const DISPLAY_NAME_SORT_KEY = displayNameSortKey();

interface SortKey {
  /** The key over `contacts`, never NULL. */
  key: SQL;
  /** How a key written as text in a cursor is read back. */
  cast: (text: string) => SQL;
}

// Columns qualified: the list joins the page's ids back to contacts.
const KEYS: Record<'created' | 'name' | 'last_inbound', SortKey> = {
  created: { key: sql.raw('"contacts"."created_at"'), cast: (t) => sql`${t}::timestamptz` },
  name: { key: sql.raw(displayNameSortKey('contacts')), cast: (t) => sql`${t}::text` },
  // Never wrote: after everyone who did, newest first (and first when ascending). No index: last_inbound_at changes
  // on every inbound message, and an index on it would make each of those updates touch every index of contacts.
  last_inbound: { key: sql.raw(`coalesce("contacts"."last_inbound_at", '-infinity'::timestamptz)`), cast: (t) => sql`${t}::timestamptz` },
};

export interface ContactOrder {
  sort: ContactSort;
  /** The key as selected (as text, for the next cursor). */
  keyText: SQL.Aliased<string>;
  orderBy: SQL;
  /** Rows after the cursor's (key, id). */
  after: (keyText: string, id: string) => SQL;
}

export function contactOrder(sort: ContactSort): ContactOrder {
  const desc = sort.startsWith('-');
  const { key, cast } = KEYS[sort.replace(/^-/, '') as keyof typeof KEYS];
  const dir = sql.raw(desc ? 'desc' : 'asc');
  return {
    sort,
    // Named, or its output column would be called like the key column and make ORDER BY ambiguous.
    keyText: sql<string>`(${key})::text`.as('sort_key'),
    orderBy: sql`${key} ${dir}, "contacts"."id" ${dir}`,
    after: (k, id) => (desc ? sql`(${key}, "contacts"."id") < (${cast(k)}, ${id}::uuid)` : sql`(${key}, "contacts"."id") > (${cast(k)}, ${id}::uuid)`),
  };
}

interface ListCursor {
  s: ContactSort;
  k: string;
  id: string;
}

export function encodeListCursor(c: ListCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** A cursor of this sort; one given out for another sort (or not by us) is refused, naming what to do. */
export function decodeListCursor(cursor: string, sort: ContactSort): ListCursor {
  let v: Partial<ListCursor> & { at?: string };
  try {
    v = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof v;
  } catch {
    throw new HttpError(400, 'invalid_cursor', 'cursor: not a cursor this API gave out; start again without it.');
  }
  // Cursors from before sorting existed were newest-first ones: { at, id }.
  if (v.s === undefined && typeof v.at === 'string') v = { s: '-created', k: v.at, id: v.id! };
  if (typeof v.k !== 'string' || typeof v.id !== 'string' || !(CONTACT_SORTS as readonly string[]).includes(v.s ?? '')) {
    throw new HttpError(400, 'invalid_cursor', 'cursor: not a cursor this API gave out; start again without it.');
  }
  if (v.s !== sort) throw new HttpError(400, 'invalid_cursor', `cursor: it pages the list sorted by ${v.s}, not by ${sort}; start again without it, or ask for sort=${v.s}.`);
  return v as ListCursor;
}
