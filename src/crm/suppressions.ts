import { desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../store/connection.ts';
import { isBsuid, parsePhone } from '../core/phone.ts';
import { HttpError } from '../http/errors.ts';
import { suppressions } from './schema.ts';

/** Suppression entries are wa_id digits or BSUIDs, so a lookup by either identity is exact. */
export function suppressionKey(input: string, defaultCountry?: string): string {
  const t = input.trim();
  if (isBsuid(t)) return t;
  const p = parsePhone(t, defaultCountry ? { defaultCountry } : {});
  if (!p.ok) throw new HttpError(400, 'invalid_identifier', `identifier: ${p.error.message} (give a phone number or a BSUID).`);
  return p.value.waId;
}

export async function addSuppression(db: Db, input: { identifier: string; reason?: string | null; createdBy?: string | null; defaultCountry?: string }) {
  const identifier = suppressionKey(input.identifier, input.defaultCountry);
  const [row] = await db
    .insert(suppressions)
    .values({ identifier, reason: input.reason ?? null, createdBy: input.createdBy ?? null })
    .onConflictDoUpdate({ target: suppressions.identifier, set: { reason: input.reason ?? null } })
    .returning();
  return row!;
}

export async function removeSuppression(db: Db, id: string): Promise<boolean> {
  return (await db.delete(suppressions).where(eq(suppressions.id, id)).returning()).length > 0;
}

export async function listSuppressions(db: Db) {
  return db.select().from(suppressions).orderBy(desc(suppressions.createdAt)).limit(1000);
}

/** Which of these identifiers (wa_ids / BSUIDs) are suppressed. */
export async function suppressed(db: Db, identifiers: (string | null | undefined)[]): Promise<Set<string>> {
  const ids = identifiers.filter((x): x is string => !!x);
  if (ids.length === 0) return new Set();
  const rows = await db.select({ identifier: suppressions.identifier }).from(suppressions).where(inArray(suppressions.identifier, ids));
  return new Set(rows.map((r) => r.identifier));
}
