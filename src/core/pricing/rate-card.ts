// Rate cards (spec §5.2): a price per recipient market × category in one currency, valid from an effective date
// until the next card. Parsed from the CSV shape of shared/ratecards; amounts stay decimal strings (exact).
import { parse } from 'csv-parse/sync';
import { MARKETS, type Market } from '../market.ts';
import { compare, formatDecimal, isNegative, parseDecimal } from './decimal.ts';

/** The columns every card has; extra columns (authentication_international, marketing_lite, …) are optional. */
export const BASE_COLUMNS = ['marketing', 'utility', 'authentication'] as const;
export type BaseColumn = (typeof BASE_COLUMNS)[number];

/** Column → rate as a normalized decimal string ("0.0436"). A missing extra column means "not offered". */
export type MarketRates = Record<BaseColumn, string> & Partial<Record<string, string>>;
export type RateTable = Partial<Record<Market, MarketRates>>;

/** Categories with volume tiers (spec §5.2: utility and authentication only). */
export const TIERED_CATEGORIES = ['utility', 'authentication', 'authentication_international'] as const;
export type TieredCategory = (typeof TIERED_CATEGORIES)[number];

/**
 * One band of Meta's volume tiers for a market × category: the from-th to the to-th charged message of the month
 * (1-based, inclusive; to null = no end) cost `rate`, or the card's rate less `discountPercent`.
 */
export interface VolumeTier {
  market: Market;
  category: TieredCategory;
  from: number;
  to: number | null;
  rate?: string;
  discountPercent?: string;
}

export interface RateCard {
  id?: string;
  name: string;
  currency: string;
  effectiveFrom: Date;
  rates: RateTable;
  tiers: VolumeTier[];
}

/** A problem in a card: the file line (1-based, comments counted; null when about the whole file) and what to do. */
export interface RateCardProblem {
  row: number | null;
  column?: string;
  market?: string;
  code: string;
  message: string;
}

export type ParsedRateCard = { ok: true; currency: string; rates: RateTable; columns: string[] } | { ok: false; problems: RateCardProblem[] };

const CURRENCY_RE = /^[A-Z]{3}$/;
const EXTRA_COLUMN_RE = /^[a-z][a-z0-9_]*$/;
/** Cells meaning "this market has no such rate" in optional columns (Meta's cards leave them blank or write n/a). */
const NOT_OFFERED = new Set(['', '-', 'n/a', 'na']);
const MARKET_BY_LOWER = new Map(MARKETS.map((m) => [m.toLowerCase(), m]));

const knownMarketsText = MARKETS.join(', ');

/** Normalize a header: "Authentication-International" → "authentication_international". */
function columnKey(header: string): string {
  return header.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function currencyFromComments(text: string): { currency: string; row: number } | null {
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*#\s*currency\s*:\s*(\S+)\s*$/i.exec(lines[i]!);
    if (m) return { currency: m[1]!.toUpperCase(), row: i + 1 };
  }
  return null;
}

/**
 * Parse a rate-card CSV: `#` comment lines, a header `market,marketing,utility,authentication[,extra…]`, one row
 * per market. The currency comes from `options.currency` or a `# currency: USD` line (both given must agree).
 * Every problem is reported, each with its line, so a person can fix the file in one go.
 */
export function parseRateCardCsv(text: string, options: { currency?: string | null } = {}): ParsedRateCard {
  const problems: RateCardProblem[] = [];
  const body = text.replace(/^\uFEFF/, '');

  const fromComment = currencyFromComments(body);
  const given = options.currency?.trim().toUpperCase() || null;
  let currency = given ?? fromComment?.currency ?? '';
  if (given && fromComment && fromComment.currency !== given) {
    problems.push({ row: fromComment.row, code: 'currency_mismatch', message: `Line ${fromComment.row} says the currency is ${fromComment.currency}, but ${given} was given. Make them agree.` });
  }
  if (!currency) {
    problems.push({ row: null, code: 'currency_missing', message: 'No currency: give one (e.g. USD) or add a line "# currency: USD" to the file.' });
  } else if (!CURRENCY_RE.test(currency)) {
    problems.push({ row: fromComment && !given ? fromComment.row : null, code: 'currency_invalid', message: `"${currency}" is not a currency code; use three letters such as USD, EUR or MXN.` });
    currency = '';
  }

  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(body, {
      comment: '#',
      comment_no_infix: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const e = err as Error & { lines?: number };
    return { ok: false, problems: [...problems, { row: e.lines ?? null, code: 'invalid_csv', message: `The file is not valid CSV${e.lines ? ` at line ${e.lines}` : ''}: ${e.message}` }] };
  }

  const [head, ...rows] = records;
  if (!head) return { ok: false, problems: [...problems, { row: null, code: 'empty', message: 'The file has no header and no rows. Expected a header "market,marketing,utility,authentication".' }] };

  const headerRow = head.info.lines;
  const columns = head.record.map(columnKey);
  if (columns[0] !== 'market') {
    problems.push({ row: headerRow, code: 'invalid_header', message: `Line ${headerRow}: the first column must be "market" (found "${head.record[0] ?? ''}"). Expected a header "market,marketing,utility,authentication".` });
  }
  for (const required of BASE_COLUMNS) {
    if (!columns.includes(required)) {
      problems.push({ row: headerRow, column: required, code: 'missing_column', message: `Line ${headerRow}: the header has no "${required}" column. Expected "market,marketing,utility,authentication" plus optional columns.` });
    }
  }
  const seenColumns = new Set<string>();
  for (const c of columns.slice(1)) {
    if (seenColumns.has(c)) problems.push({ row: headerRow, column: c, code: 'duplicate_column', message: `Line ${headerRow}: the column "${c}" appears twice.` });
    else if (!EXTRA_COLUMN_RE.test(c)) problems.push({ row: headerRow, column: c, code: 'invalid_column', message: `Line ${headerRow}: "${c}" is not a usable column name; use letters, digits and _ (e.g. authentication_international).` });
    seenColumns.add(c);
  }
  if (problems.some((p) => p.row === headerRow)) return { ok: false, problems };

  const rates: RateTable = {};
  const rowOf = new Map<Market, number>();
  for (const { record, info } of rows) {
    const row = info.lines;
    const name = record[0] ?? '';
    const market = MARKET_BY_LOWER.get(name.toLowerCase().replace(/\s+/g, ' '));
    if (record.length !== columns.length) {
      problems.push({ row, market: name, code: 'column_count', message: `Line ${row}: ${record.length} values but the header has ${columns.length} columns.` });
      continue;
    }
    if (!market) {
      problems.push({ row, market: name, code: 'unknown_market', message: `Line ${row}: "${name}" is not a Meta pricing market. Known markets: ${knownMarketsText}.` });
      continue;
    }
    const earlier = rowOf.get(market);
    if (earlier !== undefined) {
      problems.push({ row, market, code: 'duplicate_market', message: `Line ${row}: ${market} already has rates on line ${earlier}; keep one row per market.` });
      continue;
    }
    rowOf.set(market, row);
    const entry: Record<string, string> = {};
    let rowOk = true;
    columns.forEach((column, i) => {
      if (i === 0) return;
      const cell = record[i] ?? '';
      const optional = !(BASE_COLUMNS as readonly string[]).includes(column);
      if (optional && NOT_OFFERED.has(cell.toLowerCase())) return;
      const value = parseDecimal(cell);
      if (!value) {
        rowOk = false;
        const hint = /^\d+,\d+$/.test(cell) ? ' Write decimals with a dot (0.0436).' : cell === '' ? ' Every market needs this rate (0 if free).' : '';
        problems.push({ row, column, market, code: 'invalid_rate', message: `Line ${row}, ${column} for ${market}: "${cell}" is not a number.${hint}` });
      } else if (isNegative(value)) {
        rowOk = false;
        problems.push({ row, column, market, code: 'negative_rate', message: `Line ${row}, ${column} for ${market}: ${cell} is negative; rates are 0 or more.` });
      } else {
        entry[column] = formatDecimal(value);
      }
    });
    if (rowOk) rates[market] = entry as MarketRates;
  }
  if (rows.length === 0) problems.push({ row: null, code: 'no_rows', message: 'The file has a header but no market rows.' });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, currency, rates, columns: columns.slice(1) };
}

/**
 * Check volume tiers given as JSON ([{ market, category, from, to, rate | discountPercent }]): known market,
 * tiered category, whole positive bounds, bands of one market × category not overlapping, a rate ≥ 0 or a
 * discount in 0…100. Rows are numbered from 1 in the problems.
 */
export function parseVolumeTiers(input: unknown): { ok: true; tiers: VolumeTier[] } | { ok: false; problems: RateCardProblem[] } {
  const problems: RateCardProblem[] = [];
  if (!Array.isArray(input)) return { ok: false, problems: [{ row: null, code: 'invalid_tiers', message: 'Tiers must be a list of { market, category, from, to, rate or discountPercent }.' }] };
  const tiers: VolumeTier[] = [];
  input.forEach((raw: unknown, i) => {
    const row = i + 1;
    const bad = (code: string, message: string, extra: Partial<RateCardProblem> = {}) => problems.push({ row, code, message: `Tier ${row}: ${message}`, ...extra });
    if (typeof raw !== 'object' || raw === null) return bad('invalid_tier', 'must be an object.');
    const t = raw as Record<string, unknown>;
    const marketName = typeof t.market === 'string' ? t.market.trim() : '';
    const market = MARKET_BY_LOWER.get(marketName.toLowerCase());
    if (!market) return bad('unknown_market', `"${marketName}" is not a Meta pricing market. Known markets: ${knownMarketsText}.`, { market: marketName });
    const category = typeof t.category === 'string' ? columnKey(t.category) : '';
    if (!(TIERED_CATEGORIES as readonly string[]).includes(category)) {
      return bad('invalid_category', `category "${String(t.category)}" has no volume tiers; use ${TIERED_CATEGORIES.join(', ')}.`, { market });
    }
    const from = t.from;
    const to = t.to ?? null;
    if (typeof from !== 'number' || !Number.isSafeInteger(from) || from < 1) return bad('invalid_bounds', '"from" must be a whole number ≥ 1 (the first message of the month is 1).', { market });
    if (to !== null && (typeof to !== 'number' || !Number.isSafeInteger(to) || to < from)) return bad('invalid_bounds', '"to" must be a whole number ≥ "from", or null for no end.', { market });
    const hasRate = t.rate !== undefined && t.rate !== null;
    const hasDiscount = t.discountPercent !== undefined && t.discountPercent !== null;
    if (hasRate === hasDiscount) return bad('invalid_price', 'give exactly one of "rate" and "discountPercent".', { market });
    const text = String(hasRate ? t.rate : t.discountPercent);
    const value = parseDecimal(text);
    if (!value || isNegative(value)) return bad('invalid_price', `${hasRate ? 'rate' : 'discountPercent'} "${text}" must be a number ≥ 0.`, { market });
    if (hasDiscount && compare(value, { coef: 100n, scale: 0 }) > 0) return bad('invalid_price', `discountPercent ${text} is above 100.`, { market });
    tiers.push({ market, category: category as TieredCategory, from, to: to as number | null, ...(hasRate ? { rate: formatDecimal(value) } : { discountPercent: formatDecimal(value) }) });
  });
  // Overlaps, per market × category, in the order the bands start.
  const groups = new Map<string, VolumeTier[]>();
  for (const t of tiers) groups.set(`${t.market}\u0000${t.category}`, [...(groups.get(`${t.market}\u0000${t.category}`) ?? []), t]);
  for (const group of groups.values()) {
    const sorted = [...group].sort((a, b) => a.from - b.from);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!;
      const cur = sorted[i]!;
      if (prev.to === null || prev.to >= cur.from) {
        problems.push({
          row: tiers.indexOf(cur) + 1,
          market: cur.market,
          code: 'overlapping_tiers',
          message: `Tier ${tiers.indexOf(cur) + 1}: ${cur.market} ${cur.category} from ${cur.from} overlaps the band ${prev.from}–${prev.to ?? '∞'}.`,
        });
      }
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, tiers };
}

/**
 * The card valid at `at`: the latest effective date not after it (a card applies until the next one), among
 * cards of `currency` when given. Null when none has started yet.
 */
export function selectRateCard<T extends { effectiveFrom: Date; currency: string }>(cards: readonly T[], at: Date, currency?: string | null): T | null {
  let best: T | null = null;
  for (const c of cards) {
    if (currency && c.currency !== currency.toUpperCase()) continue;
    if (c.effectiveFrom.getTime() > at.getTime()) continue;
    if (!best || c.effectiveFrom.getTime() > best.effectiveFrom.getTime()) best = c;
  }
  return best;
}
