// Exact decimal amounts for prices (issue 8: 1000 × 0.0436 must be exactly 43.60). A value is an integer
// coefficient and a count of decimal places; sums and products never round. Division is not offered: the only
// one pricing needs (a percentage) is a product with a scale of 2 more.
export interface Decimal {
  readonly coef: bigint;
  readonly scale: number;
}

export const ZERO: Decimal = { coef: 0n, scale: 0 };

const DECIMAL_RE = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parse "0.0436", "12", "-1.5". Returns null for anything else (no exponents, no thousands separators). */
export function parseDecimal(text: string): Decimal | null {
  const m = DECIMAL_RE.exec(text.trim());
  if (!m) return null;
  const frac = m[3] ?? '';
  const coef = BigInt(`${m[2]}${frac}`);
  return normalize({ coef: m[1] ? -coef : coef, scale: frac.length });
}

/** Parse or throw: for values already validated (stored cards). */
export function dec(text: string): Decimal {
  const d = parseDecimal(text);
  if (!d) throw new RangeError(`Not a decimal number: "${text}"`);
  return d;
}

export function fromInt(n: number | bigint): Decimal {
  return { coef: BigInt(n), scale: 0 };
}

function rescale(d: Decimal, scale: number): bigint {
  return d.coef * 10n ** BigInt(scale - d.scale);
}

/** Drop trailing zeros, so equal values have one representation. */
function normalize(d: Decimal): Decimal {
  let { coef, scale } = d;
  while (scale > 0 && coef % 10n === 0n) {
    coef /= 10n;
    scale -= 1;
  }
  return { coef, scale };
}

export function add(a: Decimal, b: Decimal): Decimal {
  const scale = Math.max(a.scale, b.scale);
  return normalize({ coef: rescale(a, scale) + rescale(b, scale), scale });
}

export function mul(a: Decimal, b: Decimal): Decimal {
  return normalize({ coef: a.coef * b.coef, scale: a.scale + b.scale });
}

export function mulInt(a: Decimal, n: number | bigint): Decimal {
  return normalize({ coef: a.coef * BigInt(n), scale: a.scale });
}

/** a × (100 − percent) / 100, exact. */
export function discount(a: Decimal, percent: Decimal): Decimal {
  const factor = add(fromInt(100), { coef: -percent.coef, scale: percent.scale });
  return mul(a, { coef: factor.coef, scale: factor.scale + 2 });
}

export function compare(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const scale = Math.max(a.scale, b.scale);
  const x = rescale(a, scale);
  const y = rescale(b, scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function isNegative(a: Decimal): boolean {
  return a.coef < 0n;
}

/** Round half away from zero to `places` decimals (for display in a currency's minor unit). */
export function roundTo(a: Decimal, places: number): Decimal {
  if (a.scale <= places) return a;
  const div = 10n ** BigInt(a.scale - places);
  const neg = a.coef < 0n;
  const abs = neg ? -a.coef : a.coef;
  let q = abs / div;
  if ((abs % div) * 2n >= div) q += 1n;
  return normalize({ coef: neg ? -q : q, scale: places });
}

/** "43.6" → "43.60" with minPlaces 2; never drops significant digits ("0.0436" stays). */
export function formatDecimal(a: Decimal, minPlaces = 0): string {
  const scale = Math.max(a.scale, minPlaces);
  const coef = rescale(a, scale);
  const neg = coef < 0n;
  const digits = (neg ? -coef : coef).toString().padStart(scale + 1, '0');
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale);
  return `${neg ? '-' : ''}${int}${scale > 0 ? `.${frac}` : ''}`;
}
