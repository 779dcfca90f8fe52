/**
 * Compile a checked segment filter (src/core/segments) to a parameterised SQL condition over
 * `contacts c`. Values are always bound parameters; identifiers come only from the constants below.
 *
 * Every condition is two-valued (never NULL) so that "not" and "!=" mean exactly the opposite of the
 * positive form, as in the evaluator. Engagement filters read the roll-up columns on contacts. Related tables are reached with `c.id in (select contact_id …)`:
 * at the top level PostgreSQL turns that into a semi-join, and under or/not into a hashed subplan
 * computed once — both fast, unlike a correlated EXISTS evaluated per contact.
 */
import { sql, type SQL } from 'drizzle-orm';
import { foldSql, prefixPattern } from './name-match.ts';
import { fold as foldValue, type FieldTest, type Predicate, type TextTarget, type TimeEvent, type TimeTest } from '../core/segments/index.ts';
import type { ConsentCategory } from '../core/consent.ts';

const TEXT_COLUMNS: Record<TextTarget, SQL> = {
  kind: sql.raw('c.kind'),
  country: sql.raw('c.country'),
  market: sql.raw('c.market'),
  name: sql.raw('coalesce(c.name, c.profile_name)'),
  phone: sql.raw('c.wa_id'),
  email: sql.raw('c.email'),
  username: sql.raw('c.username'),
};
const FOLDED: ReadonlySet<TextTarget> = new Set(['name', 'email', 'username']);

const list = (values: readonly (string | number | SQL)[]): SQL => sql.join(values.map((v) => sql`${v}`), sql`, `);
const ts = (iso: string): SQL => sql`${iso}::timestamptz`;

function textSql(target: TextTarget, test: Extract<Predicate, { t: 'text' }>['test']): SQL {
  const col = TEXT_COLUMNS[target];
  if (test.op === 'empty') return sql`coalesce(${col}, '') = ''`;
  const folded = FOLDED.has(target);
  const x = folded ? foldSql(col) : col;
  const norm = (s: string) => (folded ? foldValue(s) : s);
  if (test.op === 'in') return sql`(${col} is not null and ${x} in (${list(test.values.map(norm))}))`;
  if (test.op === 'contains') return sql`(${col} is not null and strpos(${x}, ${norm(test.value)}) > 0)`;
  // A plain LIKE prefix lets wa_id use contacts_wa_id_prefix_idx, and the folded name contacts_name_folded_idx.
  if (target === 'phone') return sql`(${col} is not null and ${col} like ${prefixPattern(test.value, false)})`;
  if (target === 'name') return sql`(${col} is not null and ${x} like ${prefixPattern(test.value)})`;
  return sql`(${col} is not null and starts_with(${x}, ${norm(test.value)}))`;
}

/**
 * `fields @> {"key": value}` for any of the values: true whenever the exact test below can be, and answered by
 * contacts_fields_idx (GIN) — so an equality on a custom field reads the matching contacts, not all of them.
 * Always ANDed with the exact test, which alone decides (containment is looser: types, arrays). No coalesce()
 * around the pair (it would hide the containment from the planner): when containment holds the key exists, so the
 * exact test is never NULL, and when it does not the pair is false — two-valued either way.
 */
function containsAny(key: string, values: readonly unknown[]): SQL {
  return sql`(${sql.join(values.map((v) => sql`c.fields @> ${JSON.stringify({ [key]: v })}::jsonb`), sql` or `)})`;
}

function fieldSql(key: string, type: string, test: FieldTest): SQL {
  const f = sql`(c.fields -> ${key})`;
  const ft = sql`(c.fields ->> ${key})`;
  const isString = sql`jsonb_typeof(${f}) = 'string'`;
  switch (test.op) {
    case 'empty':
      return sql`coalesce(${f} in ('null'::jsonb, '""'::jsonb, '[]'::jsonb), true)`;
    case 'has':
      return sql`(${containsAny(key, test.values.map((v) => [v]))} and jsonb_typeof(${f}) = 'array' and (${sql.join(test.values.map((v) => sql`${f} @> jsonb_build_array(${v}::text)`), sql` or `)}))`;
    case 'contains':
      return sql`coalesce(${isString} and strpos(${foldSql(ft)}, ${foldValue(test.value)}) > 0, false)`;
    case 'starts':
      return sql`coalesce(${isString} and starts_with(${foldSql(ft)}, ${foldValue(test.value)}), false)`;
    case 'in': {
      // A jsonb value equals only the same value of the same type: one extraction and compare per row.
      if (type === 'number' || type === 'boolean') {
        return sql`(${containsAny(key, test.values)} and ${f} in (${list(test.values.map((v) => sql`${JSON.stringify(v)}::jsonb`))}))`;
      }
      if (type === 'date' || type === 'choice') {
        const values = test.values.map(String);
        return sql`(${containsAny(key, values)} and ${f} in (${list(values.map((v) => sql`${JSON.stringify(v)}::jsonb`))}))`;
      }
      return sql`coalesce(${isString} and ${foldSql(ft)} in (${list(test.values.map((v) => foldValue(String(v))))}), false)`;
    }
    case 'cmp': {
      const op = sql.raw(test.cmp);
      if (typeof test.value === 'number') {
        // jsonb compares numbers numerically (no text → numeric parse per row); jsonb orders other types
        // around numbers, so only values that are numbers may match.
        return sql`coalesce(${f} ${op} ${JSON.stringify(test.value)}::jsonb and jsonb_typeof(${f}) = 'number', false)`;
      }
      return sql`coalesce(case when jsonb_typeof(${f}) = 'string' then ${ft} end collate "C" ${op} ${test.value}, false)`;
    }
  }
}

const CONSENT_COLUMNS: Record<ConsentCategory, SQL> = {
  marketing: sql.raw('c.consent_marketing'),
  utility: sql.raw('c.consent_utility'),
  authentication: sql.raw('c.consent_authentication'),
};

// The engagement roll-ups on contacts (src/crm/engagement.ts), one column per event, each the latest time.
const EVENT_COLUMNS: Record<TimeEvent, SQL> = {
  last_inbound: sql.raw('c.last_inbound_at'),
  delivered: sql.raw('c.last_template_delivered_at'),
  read: sql.raw('c.last_template_read_at'),
  replied: sql.raw('c.last_replied_at'),
};

/**
 * Every time test asks about the latest event: "within"/"after" means the latest is late enough, "before"
 * that it is early. Written as `col is not null and col >= $1` (two-valued, and the planner estimates it
 * from the column's statistics and can use its partial index — a coalesce() would hide both).
 */
function timeSql(e: TimeEvent, test: TimeTest, now: Date): SQL {
  const col = EVENT_COLUMNS[e];
  const known = (cond: SQL) => sql`(${col} is not null and ${cond})`;
  switch (test.op) {
    case 'within':
      return known(sql`${col} >= ${ts(new Date(now.getTime() - test.ms).toISOString())}`);
    case 'after':
      return known(test.inclusive ? sql`${col} >= ${ts(test.at)}` : sql`${col} > ${ts(test.at)}`);
    case 'before':
      return known(sql`${col} < ${ts(test.at)}`);
    case 'never':
      return sql`${col} is null`;
  }
}

/** The condition for one checked filter, over `contacts c` (merged contacts are not excluded here; see segmentCondition). */
export function predicateSql(p: Predicate, now: Date): SQL {
  switch (p.t) {
    case 'and':
    case 'or':
      return sql`(${sql.join(p.items.map((i) => predicateSql(i, now)), p.t === 'and' ? sql` and ` : sql` or `)})`;
    case 'not':
      return sql`not (${predicateSql(p.item, now)})`;
    case 'text':
      return textSql(p.target, p.test);
    case 'field':
      return fieldSql(p.key, p.type, p.test);
    case 'tag':
      if (p.test.op === 'empty') return sql`not c.id in (select ct.contact_id from contact_tags ct)`;
      return sql`c.id in (select ct.contact_id from contact_tags ct join tags t on t.id = ct.tag_id where ${foldSql(sql.raw('t.name'))} in (${list(p.test.names.map(foldValue))}))`;
    case 'organization': {
      const test = p.test;
      if (test.op === 'empty') return sql`c.organization_id is null`;
      const name = foldSql(sql.raw('o.name'));
      let match: SQL;
      if (test.op === 'in') {
        const parts: SQL[] = [];
        if (test.names.length) parts.push(sql`${name} in (${list(test.names.map(foldValue))})`);
        if (test.ids.length) parts.push(sql`o.id in (${list(test.ids.map((id) => sql`${id}::uuid`))})`);
        match = sql.join(parts, sql` or `);
      } else {
        match = test.op === 'contains' ? sql`strpos(${name}, ${foldValue(test.value)}) > 0` : sql`starts_with(${name}, ${foldValue(test.value)})`;
      }
      // `= any(array(…))`, not `in (select …)`: an index condition on contacts_organization_idx, so an OR with
      // another indexed test (a custom-field equality) can be a BitmapOr instead of a scan of every contact.
      return sql`(c.organization_id is not null and c.organization_id = any(array(select o.id from organizations o where ${match})))`;
    }
    case 'conversation':
      if (p.test.op === 'empty') return sql`not c.id in (select cv.contact_id from conversations cv)`;
      return sql`c.id in (select cv.contact_id from conversations cv where cv.state in (${list(p.test.states)}))`;
    case 'consent': {
      // The current state per category is copied onto contacts by triggers on consents (migration 0007).
      const col = CONSENT_COLUMNS[p.category];
      const known = p.states.filter((s) => s !== 'unknown');
      const parts: SQL[] = [];
      if (known.length) parts.push(sql`(${col} is not null and ${col} in (${list(known)}))`);
      if (p.states.includes('unknown')) parts.push(sql`${col} is null`);
      return parts.length === 1 ? parts[0]! : sql`(${sql.join(parts, sql` or `)})`;
    }
    case 'time':
      return timeSql(p.event, p.test, now);
    case 'has':
      switch (p.what) {
        case 'phone': return sql`coalesce(c.wa_id, '') <> ''`;
        case 'bsuid': return sql`coalesce(c.bsuid, '') <> ''`;
        case 'username': return sql`coalesce(c.username, '') <> ''`;
        case 'email': return sql`coalesce(c.email, '') <> ''`;
        case 'name': return sql`coalesce(c.name, c.profile_name, '') <> ''`;
        case 'organization': return sql`c.organization_id is not null`;
        case 'tags': return sql`c.id in (select ct.contact_id from contact_tags ct)`;
        case 'conversation': return sql`c.id in (select cv.contact_id from conversations cv)`;
      }
  }
}

/**
 * The full WHERE condition for a segment: live (not merged) contacts matching the filter. `outer`
 * names how the query refers to contacts: `c` (`from contacts c`, the direct form) or `contacts`
 * (drizzle's `db.select().from(contacts)`), which goes through `contacts.id in (select c.id …)`.
 */
export function segmentCondition(p: Predicate, now: Date, outer: 'c' | 'contacts' = 'c'): SQL {
  const cond = sql`(c.merged_into is null and ${predicateSql(p, now)})`;
  return outer === 'c' ? cond : sql`"contacts"."id" in (select c.id from contacts c where ${cond})`;
}
