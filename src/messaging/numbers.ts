import { eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { phoneNumbers } from './schema.ts';

export type PhoneNumberRow = typeof phoneNumbers.$inferSelect;

export interface NumberInput {
  phoneNumberId: string;
  wabaId: string;
  displayPhoneNumber: string;
  verifiedName?: string | null;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  throughputMps?: number;
}

/** The public view of a number: never the credentials. */
export function publicNumber(row: PhoneNumberRow) {
  return {
    id: row.id,
    phoneNumberId: row.phoneNumberId,
    wabaId: row.wabaId,
    displayPhoneNumber: row.displayPhoneNumber,
    verifiedName: row.verifiedName,
    throughputMps: row.throughputMps,
    qualityRating: row.qualityRating,
    messagingLimitTier: row.messagingLimitTier,
    createdAt: row.createdAt.toISOString(),
  };
}

/** Create or update a number by Meta's phone_number_id (idempotent: the default setup re-registers on every start). */
export async function upsertNumber(ctx: AppContext, input: NumberInput): Promise<PhoneNumberRow> {
  const values = {
    phoneNumberId: input.phoneNumberId,
    wabaId: input.wabaId,
    displayPhoneNumber: input.displayPhoneNumber,
    verifiedName: input.verifiedName ?? null,
    accessTokenEnc: ctx.secrets.encrypt(input.accessToken),
    appSecretEnc: ctx.secrets.encrypt(input.appSecret),
    verifyToken: input.verifyToken,
    throughputMps: input.throughputMps ?? 80,
    updatedAt: ctx.clock.now(),
  };
  const [row] = await ctx.store.db
    .insert(phoneNumbers)
    .values(values)
    .onConflictDoUpdate({ target: phoneNumbers.phoneNumberId, set: values })
    .returning();
  invalidateNumberCache();
  ctx.events.emit('number.updated', { phoneNumberId: row!.id });
  return row!;
}

export async function updateNumber(
  ctx: AppContext,
  id: string,
  patch: Partial<Pick<NumberInput, 'displayPhoneNumber' | 'verifiedName' | 'accessToken' | 'appSecret' | 'verifyToken' | 'throughputMps'>> & {
    qualityRating?: string | null;
    messagingLimitTier?: string | null;
  },
): Promise<PhoneNumberRow | null> {
  const set: Partial<typeof phoneNumbers.$inferInsert> = { updatedAt: ctx.clock.now() };
  if (patch.displayPhoneNumber !== undefined) set.displayPhoneNumber = patch.displayPhoneNumber;
  if (patch.verifiedName !== undefined) set.verifiedName = patch.verifiedName;
  if (patch.accessToken !== undefined) set.accessTokenEnc = ctx.secrets.encrypt(patch.accessToken);
  if (patch.appSecret !== undefined) set.appSecretEnc = ctx.secrets.encrypt(patch.appSecret);
  if (patch.verifyToken !== undefined) set.verifyToken = patch.verifyToken;
  if (patch.throughputMps !== undefined) set.throughputMps = patch.throughputMps;
  if (patch.qualityRating !== undefined) set.qualityRating = patch.qualityRating;
  if (patch.messagingLimitTier !== undefined) set.messagingLimitTier = patch.messagingLimitTier;
  const [row] = await ctx.store.db.update(phoneNumbers).set(set).where(eq(phoneNumbers.id, id)).returning();
  invalidateNumberCache();
  if (row) ctx.events.emit('number.updated', { phoneNumberId: row.id });
  return row ?? null;
}

export async function listNumbers(ctx: AppContext): Promise<PhoneNumberRow[]> {
  return ctx.store.db.select().from(phoneNumbers).orderBy(phoneNumbers.createdAt);
}

export async function getNumber(ctx: AppContext, id: string): Promise<PhoneNumberRow | null> {
  const [row] = await ctx.store.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, id));
  return row ?? null;
}

export async function getNumberByMetaId(ctx: AppContext, phoneNumberId: string): Promise<PhoneNumberRow | null> {
  const [row] = await ctx.store.db.select().from(phoneNumbers).where(eq(phoneNumbers.phoneNumberId, phoneNumberId));
  return row ?? null;
}

export function credentials(ctx: AppContext, row: PhoneNumberRow): { accessToken: string; appSecret: string } {
  return { accessToken: ctx.secrets.decrypt(row.accessTokenEnc), appSecret: ctx.secrets.decrypt(row.appSecretEnc) };
}

// Webhook verification needs every app secret and verify token on each request; they change rarely.
// Cached per store for a few seconds (other processes may change them too), dropped on local changes.
const CACHE_MS = 5_000;
const cache = new WeakMap<object, { at: number; t: number; appSecrets: string[]; verifyTokens: string[] }>();
let generation = 0;
function invalidateNumberCache(): void {
  generation++;
}

/** Distinct app secrets and verify tokens of the configured numbers (the webhook may come from any of their apps). */
export async function webhookCredentials(ctx: AppContext): Promise<{ appSecrets: string[]; verifyTokens: string[] }> {
  const hit = cache.get(ctx.store);
  if (hit && hit.at === generation && Date.now() - hit.t < CACHE_MS) return hit;
  const rows = await listNumbers(ctx);
  const entry = {
    at: generation,
    t: Date.now(),
    appSecrets: [...new Set(rows.map((r) => ctx.secrets.decrypt(r.appSecretEnc)))],
    verifyTokens: [...new Set(rows.map((r) => r.verifyToken))],
  };
  cache.set(ctx.store, entry);
  return entry;
}
