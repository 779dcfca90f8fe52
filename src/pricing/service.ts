// Rate cards in the store (issue 8): create from CSV (+ optional volume tiers), list, read, and find the card
// valid at a date. The parsing and every pricing rule live in core/pricing; this is the I/O around them.
import { and, asc, desc, eq, lte } from 'drizzle-orm';
import { isUniqueViolation } from '../store/errors.ts';
import type { Db } from '../store/connection.ts';
import { HttpError } from '../http/errors.ts';
import { parseRateCardCsv, parseVolumeTiers, type RateCard, type RateCardProblem, type RateTable, type VolumeTier } from '../core/pricing/rate-card.ts';
import { rateCards } from './schema.ts';

export type RateCardRow = typeof rateCards.$inferSelect;

export interface CreateRateCardInput {
  name: string;
  csv: string;
  /** Optional when the CSV has a "# currency: …" line. */
  currency?: string | null;
  effectiveFrom: Date;
  /** Volume tiers as JSON (see parseVolumeTiers). */
  tiers?: unknown;
}

function invalidCard(problems: RateCardProblem[]): HttpError {
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem(s), see details)` : '';
  return new HttpError(400, 'invalid_rate_card', `${first.message}${more}`, { problems });
}

/** The stored row as the core's RateCard. */
export function toRateCard(row: RateCardRow): RateCard {
  return { id: row.id, name: row.name, currency: row.currency, effectiveFrom: row.effectiveFrom, rates: row.rates as RateTable, tiers: row.tiers as VolumeTier[] };
}

export async function createRateCard(db: Db, input: CreateRateCardInput): Promise<RateCardRow> {
  const name = input.name.trim();
  const problems: RateCardProblem[] = [];
  if (!name) problems.push({ row: null, code: 'name_missing', message: 'Give the rate card a name, e.g. "Meta USD 2025-Q3".' });
  const parsed = parseRateCardCsv(input.csv, { currency: input.currency ?? null });
  if (!parsed.ok) problems.push(...parsed.problems);
  const tiers = input.tiers === undefined || input.tiers === null ? { ok: true as const, tiers: [] } : parseVolumeTiers(input.tiers);
  if (!tiers.ok) problems.push(...tiers.problems);
  if (problems.length > 0 || !parsed.ok || !tiers.ok) throw invalidCard(problems);
  try {
    const [row] = await db.insert(rateCards).values({ name, currency: parsed.currency, effectiveFrom: input.effectiveFrom, rates: parsed.rates, tiers: tiers.tiers }).returning();
    return row!;
  } catch (e) {
    if (isUniqueViolation(e)) {
      throw new HttpError(409, 'rate_card_exists', `There is already a ${parsed.currency} rate card effective from ${input.effectiveFrom.toISOString()}; choose another effective date.`);
    }
    throw e;
  }
}

/** All cards, per currency newest first. */
export async function listRateCards(db: Db): Promise<RateCardRow[]> {
  return db.select().from(rateCards).orderBy(asc(rateCards.currency), desc(rateCards.effectiveFrom));
}

export async function getRateCard(db: Db, id: string): Promise<RateCardRow> {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
  const [row] = uuid ? await db.select().from(rateCards).where(eq(rateCards.id, id)) : [];
  if (!row) throw new HttpError(404, 'not_found', `No rate card ${id}. List them with GET /api/v1/rate-cards.`);
  return row;
}

/** The card valid at `at` (latest effective date not after it), of `currency` when given. */
export async function rateCardAt(db: Db, at: Date, currency?: string | null): Promise<RateCardRow | null> {
  const where = currency ? and(lte(rateCards.effectiveFrom, at), eq(rateCards.currency, currency.toUpperCase())) : lte(rateCards.effectiveFrom, at);
  const [row] = await db.select().from(rateCards).where(where).orderBy(desc(rateCards.effectiveFrom), desc(rateCards.createdAt)).limit(1);
  return row ?? null;
}

/** When a card stops applying: the next card of its currency takes over (null while it is the latest). */
export function validUntil(row: RateCardRow, all: readonly RateCardRow[]): Date | null {
  let next: Date | null = null;
  for (const c of all) {
    if (c.currency !== row.currency || c.effectiveFrom.getTime() <= row.effectiveFrom.getTime()) continue;
    if (!next || c.effectiveFrom.getTime() < next.getTime()) next = c.effectiveFrom;
  }
  return next;
}
