/**
 * Numbers that are one and the same WhatsApp user written two ways. Meta rewrites some national
 * prefixes (spec §1.1): Mexican mobiles may come as 52 1 XXXXXXXXXX or 52 XXXXXXXXXX, and Brazilian
 * mobiles with or without the ninth digit after the area code. An import and a webhook can
 * therefore carry different wa_ids for the same person.
 */
const RULES: { long: RegExp; toShort: (m: RegExpExecArray) => string; short: RegExp; toLong: (m: RegExpExecArray) => string }[] = [
  { long: /^521(\d{10})$/, toShort: (m) => `52${m[1]}`, short: /^52(\d{10})$/, toLong: (m) => `521${m[1]}` },
  { long: /^55(\d{2})9(\d{8})$/, toShort: (m) => `55${m[1]}${m[2]}`, short: /^55(\d{2})([6-9]\d{7})$/, toLong: (m) => `55${m[1]}9${m[2]}` },
];

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
