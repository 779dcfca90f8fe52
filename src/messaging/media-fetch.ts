import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { cloudApiFor, isCloudApiError } from '../whatsapp/client.ts';
import { mediaFiles, phoneNumbers } from './schema.ts';

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp', 'video/mp4': 'mp4', 'video/3gpp': '3gp',
  'audio/ogg': 'ogg', 'audio/mpeg': 'mp3', 'audio/aac': 'aac', 'audio/amr': 'amr', 'audio/mp4': 'm4a',
  'application/pdf': 'pdf', 'text/plain': 'txt',
};
const MAX_ATTEMPTS = 8;
/** A claimed row is hidden from other workers this long; a crash mid-download just delays it. */
const LEASE_MS = 5 * 60_000;

export function mediaExtension(mime: string | null): string {
  return (mime && EXTENSIONS[mime.split(';')[0]!.trim()]) ?? 'bin';
}

/** Meta gives sha256 as hex or base64 depending on the surface; accept either. */
export function sha256Matches(data: Buffer, expected: string | null): boolean {
  if (!expected) return true;
  const digest = createHash('sha256').update(data).digest();
  return expected.toLowerCase() === digest.toString('hex') || expected === digest.toString('base64');
}

/** Exponential backoff, 10 s doubling, capped at one hour. */
export function mediaRetryDelayMs(attempt: number): number {
  return Math.min(3600_000, 10_000 * 2 ** Math.max(0, attempt - 1));
}

/**
 * Downloads inbound media from the Cloud API into MEDIA_DIR, apart from message creation so a slow
 * or failing download never holds up the inbox. Media URLs expire after 5 minutes, so the URL is
 * fetched fresh on every attempt.
 */
export class MediaFetcher {
  private timer: NodeJS.Timeout | null = null;
  private busy: Promise<void> | null = null;
  private stopped = true;

  constructor(private readonly ctx: AppContext, private readonly options: { pollMs?: number; batch?: number } = {}) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.busy;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.busy = this.runOnce()
        .then((n) => this.schedule(n > 0 ? 0 : (this.options.pollMs ?? 2000)))
        .catch((err: unknown) => {
          this.ctx.logger.error({ err }, 'media fetch pass failed');
          this.schedule(this.options.pollMs ?? 2000);
        });
    }, ms);
  }

  /** Claim and fetch one batch of due media; returns how many were attempted. */
  async runOnce(): Promise<number> {
    const { store, clock } = this.ctx;
    const now = clock.now();
    const claimed = await store.rows<{ id: string; meta_media_id: string; phone_number_id: string; mime_type: string | null; sha256: string | null; attempts: number }>(sql`
      update media_files set not_before = ${new Date(now.getTime() + LEASE_MS).toISOString()}::timestamptz, attempts = attempts + 1
      where id in (
        select id from media_files where state = 'pending' and not_before <= ${now.toISOString()}::timestamptz
        order by not_before limit ${this.options.batch ?? 10} for update skip locked)
      returning id, meta_media_id, phone_number_id, mime_type, sha256, attempts`);
    await Promise.all(claimed.map((row) => this.fetchOne(row)));
    return claimed.length;
  }

  private async fetchOne(row: { id: string; meta_media_id: string; phone_number_id: string; mime_type: string | null; sha256: string | null; attempts: number }): Promise<void> {
    const { store, clock } = this.ctx;
    const [number] = await store.db.select().from(phoneNumbers).where(eq(phoneNumbers.id, row.phone_number_id));
    try {
      if (!number) throw new Error('the business number of this media is gone');
      const client = cloudApiFor(this.ctx);
      const info = await client.getMediaUrl(number, row.meta_media_id);
      const file = await client.downloadMedia(number, info.url);
      if (!sha256Matches(file.data, row.sha256 ?? info.sha256)) throw new Error('downloaded bytes do not match the sha256 Meta gave');
      const mime = row.mime_type ?? info.mime_type ?? file.mimeType;
      const dir = join(this.ctx.mediaDir, clock.now().toISOString().slice(0, 7));
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${row.id}.${mediaExtension(mime)}`);
      await writeFile(path, file.data);
      await store.db
        .update(mediaFiles)
        .set({ state: 'stored', path, sizeBytes: file.data.length, mimeType: mime, lastError: null })
        .where(eq(mediaFiles.id, row.id));
    } catch (err) {
      const retryable = isCloudApiError(err) ? err.retryable || err.httpStatus === 404 : true;
      const final = !retryable || row.attempts >= MAX_ATTEMPTS;
      this.ctx.logger.warn({ err, mediaId: row.meta_media_id, final }, 'media download failed');
      await store.db
        .update(mediaFiles)
        .set({
          lastError: (err as Error).message,
          ...(final ? { state: 'failed' } : { notBefore: new Date(clock.now().getTime() + mediaRetryDelayMs(row.attempts)) }),
        })
        .where(eq(mediaFiles.id, row.id));
    }
  }
}
