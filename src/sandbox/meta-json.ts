import { createHmac } from 'node:crypto';

/**
 * Serialise like Meta's webhook sender: JSON with every non-ASCII UTF-16 unit written as a
 * lowercase \uXXXX escape. Receivers must verify over these exact bytes.
 */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (ch) => '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0'),
  );
}

/** Header value for X-Hub-Signature-256. */
export function signatureHeader(appSecret: string, body: string | Buffer): string {
  return 'sha256=' + createHmac('sha256', appSecret).update(body).digest('hex');
}
