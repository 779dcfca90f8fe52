import { jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true });

/**
 * Rate cards (spec §5.2): prices per recipient market × category in one currency, each valid from its effective
 * date until the next card of the same currency takes over. Amounts are decimal strings, never floats.
 */
export const rateCards = pgTable(
  'rate_cards',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** ISO 4217, e.g. USD. */
    currency: text('currency').notNull(),
    effectiveFrom: ts('effective_from').notNull(),
    /** { [market]: { marketing: "0.0436", utility: "…", authentication: "…", authentication_international?: "…", … } } */
    rates: jsonb('rates').notNull(),
    /** Volume tiers (utility / authentication): [{ market, category, from, to, rate? | discountPercent? }]. */
    tiers: jsonb('tiers').notNull().default([]),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  // One card per currency and date: selecting "the card valid at a date" must never be ambiguous.
  (t) => [uniqueIndex('rate_cards_currency_effective_key').on(t.currency, t.effectiveFrom)],
);
