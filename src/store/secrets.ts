import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * Encrypts stored credentials (access tokens, app secrets) with AES-256-GCM. Ciphertext format:
 * `v1:<iv b64>:<tag b64>:<data b64>`; the version prefix leaves room for key rotation.
 */
export interface Secrets {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

export function secretsFromKey(key: string): Secrets {
  // Any string of ≥ 32 chars is accepted; hash it to exactly 32 bytes.
  const k = createHash('sha256').update(key, 'utf8').digest();
  return {
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', k, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `v1:${iv.toString('base64')}:${cipher.getAuthTag().toString('base64')}:${data.toString('base64')}`;
    },
    decrypt(sealed) {
      const [version, iv, tag, data] = sealed.split(':');
      if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('Stored secret has an unknown format.');
      const decipher = createDecipheriv('aes-256-gcm', k, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      try {
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64')), decipher.final()]).toString('utf8');
      } catch {
        throw new Error('Cannot decrypt a stored secret: CHARLA_SECRET_KEY differs from the key it was stored with.');
      }
    },
  };
}

/**
 * The key: CHARLA_SECRET_KEY when set; in embedded mode otherwise a random one generated once into
 * the data directory (readable by the owner only). PostgreSQL deployments must set it, since every
 * process has to share it.
 */
export function loadSecretKey(config: { CHARLA_SECRET_KEY?: string | undefined; DATABASE_URL?: string | undefined; CHARLA_DATA_DIR: string }): string {
  if (config.CHARLA_SECRET_KEY) return config.CHARLA_SECRET_KEY;
  if (config.DATABASE_URL) {
    throw new Error('CHARLA_SECRET_KEY is required with DATABASE_URL: set the same random string of 32+ characters on every process (e.g. `openssl rand -base64 48`).');
  }
  const dir = resolve(config.CHARLA_DATA_DIR);
  const file = join(dir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(file, 'utf8').trim();
}
