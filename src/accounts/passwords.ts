import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (a memory-hard KDF in node:crypto, so no native dependency).
 * Stored as `scrypt$N$r$p$salt$hash` (salt and hash base64url) so parameters can be raised later:
 * verification reads them from the stored string, and `needsRehash` tells sign-in to upgrade.
 */
export interface ScryptParams {
  N: number;
  r: number;
  p: number;
}

/** ~80 ms and 32 MiB per hash on our machines: costly to guess offline, cheap enough per sign-in. */
export const DEFAULT_SCRYPT: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };
/** For tests only: passed explicitly through buildApp's options, never a default. */
export const TEST_SCRYPT: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 200;

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;
// Refuse absurd parameters read from a stored hash (they would let a bad row exhaust memory).
const MAX_N = 2 ** 20;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await derive(password, salt, params);
  return `scrypt$${params.N}$${params.r}$${params.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

interface Parsed extends ScryptParams {
  salt: Buffer;
  key: Buffer;
}

function parse(stored: string): Parsed | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > MAX_N || (N & (N - 1)) !== 0 || r > 32 || p > 16) return null;
  const salt = Buffer.from(parts[4]!, 'base64url');
  const key = Buffer.from(parts[5]!, 'base64url');
  if (salt.length < 8 || key.length !== KEY_LENGTH) return null;
  return { N, r, p, salt, key };
}

/** Constant-time comparison of the derived key; false for a malformed or missing hash. */
export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parsed = stored ? parse(stored) : null;
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed);
  return timingSafeEqual(key, parsed.key);
}

/** True when the stored hash is weaker than the current parameters (upgrade it at the next sign-in). */
export function needsRehash(stored: string, params: ScryptParams): boolean {
  const parsed = parse(stored);
  return !parsed || parsed.N < params.N || parsed.r < params.r || parsed.p < params.p;
}

let dummy: { params: ScryptParams; hash: Promise<string> } | null = null;
/**
 * Spend the same time as a real verification when the e-mail is unknown, so response times do not
 * tell which addresses have accounts.
 */
export async function burnVerification(password: string, params: ScryptParams): Promise<void> {
  if (!dummy || dummy.params !== params) dummy = { params, hash: hashPassword('not-a-password', params) };
  await verifyPassword(password, await dummy.hash);
}
