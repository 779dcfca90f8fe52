/**
 * Numbers that are one and the same WhatsApp user written two ways. Meta rewrites some national
 * prefixes (spec §1.1): Mexican mobiles may come as 52 1 XXXXXXXXXX or 52 XXXXXXXXXX, and Brazilian
 * mobiles with or without the ninth digit after the area code. An import and a webhook can
 * therefore carry different wa_ids for the same person.
 */
const RULES: {
  /** Every wa_id either form can take starts with this. */
  prefix: string;
  long: RegExp;
  toShort: (m: RegExpExecArray) => string;
  /** toShort as a regexp_replace replacement (PostgreSQL's \1), for canonicalWaIdSql. */
  shortSql: string;
  short: RegExp;
  toLong: (m: RegExpExecArray) => string;
}[] = [
  { prefix: '52', long: /^521(\d{10})$/, toShort: (m) => `52${m[1]}`, shortSql: '52\\1', short: /^52(\d{10})$/, toLong: (m) => `521${m[1]}` },
  { prefix: '55', long: /^55(\d{2})9(\d{8})$/, toShort: (m) => `55${m[1]}${m[2]}`, shortSql: '55\\1\\2', short: /^55(\d{2})([6-9]\d{7})$/, toLong: (m) => `55${m[1]}9${m[2]}` },
];

/**
 * canonicalWaId in SQL, for a query that groups stored numbers by user (the duplicates check): the expression
 * over `column`, and the prefixes outside of which every wa_id is its own key. Built from the same rules; a
 * unit test checks that both give the same key.
 */
export function canonicalWaIdSql(column: string): { key: string; prefixes: string[] } {
  let key = column;
  for (const r of RULES) key = `regexp_replace(${key}, '${r.long.source}', '${r.shortSql}')`;
  return { key, prefixes: RULES.map((r) => r.prefix) };
}

/** Every wa_id form of the same user, the given one first. */
export function phoneVariants(waId: string): string[] {
  const out = [waId];
  for (const r of RULES) {
    const l = r.long.exec(waId);
    if (l) out.push(r.toShort(l));
    const s = r.short.exec(waId);
    if (s) out.push(r.toLong(s));
  }
  return [...new Set(out)];
}

/** One key per user: the short form. */
export function canonicalWaId(waId: string): string {
  for (const r of RULES) {
    const l = r.long.exec(waId);
    if (l) return r.toShort(l);
  }
  return waId;
}
