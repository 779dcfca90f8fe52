import { createHmac, timingSafeEqual } from 'node:crypto';

/** `sha256=<hex>` over the exact bytes, keyed with the app secret (spec §3.2). */
export function signatureFor(appSecret: string, rawBody: Buffer | string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/**
 * True when `header` is a valid X-Hub-Signature-256 for `rawBody` under any of the app secrets
 * (several Meta apps may deliver to one endpoint). Constant-time comparison.
 */
export function verifySignature(rawBody: Buffer, header: string | undefined, appSecrets: readonly string[]): boolean {
  if (!header || !/^sha256=[0-9a-fA-F]{64}$/.test(header)) return false;
  const given = Buffer.from(header.slice(7).toLowerCase(), 'hex');
  for (const secret of appSecrets) {
    const expected = createHmac('sha256', secret).update(rawBody).digest();
    if (timingSafeEqual(given, expected)) return true;
  }
  return false;
}
