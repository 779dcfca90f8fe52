import { randomInt } from 'node:crypto';
import { Agent, request } from 'undici';
import type { Logger } from 'pino';
import { metaJson, signatureHeader } from '../meta-json.ts';
import type { Random } from '../random.ts';
import type { ContactObject, InboundMessageObject, StatusObject } from './payloads.ts';

export interface WebhookTarget {
  callbackUrl: string | undefined;
  verifyToken: string;
}

export interface DispatcherConfig {
  appSecret: string;
  wabaId: () => string;
  maxBatchItems: number;
  concurrency: number;
  retryBaseMs: number;
  retryMaxMs: number;
  maxAttempts: number;
  requestTimeoutMs: number;
  handshakeAttempts: number;
  handshakeRetryMs: number;
  chaos: { duplicateRate: number; reorderRate: number; minDelayMs: number; maxDelayMs: number };
}

interface Metadata {
  display_phone_number: string;
  phone_number_id: string;
}

type Item =
  | { field: 'messages'; metadata: Metadata; status: StatusObject }
  | { field: 'messages'; metadata: Metadata; contact: ContactObject; message: InboundMessageObject }
  | { field: string; time: number; value: Record<string, unknown> };

interface Batch {
  body: string;
  items: number;
  attempt: number;
}

export interface DispatcherStats {
  verified: boolean | undefined;
  queuedItems: number;
  inFlightPosts: number;
  pendingRetries: number;
  heldBatches: number;
  postsOk: number;
  postsFailed: number;
  itemsDelivered: number;
  itemsDropped: number;
  duplicatesSent: number;
  reordered: number;
}

/**
 * Sends signed webhook batches to the callback: coalesces queued items (≤ maxBatchItems per
 * POST), retries failures with exponential backoff, and can duplicate, reorder and delay POSTs.
 * Retries and chaos run on wall-clock time: they model the network, not the business day.
 */
export class WebhookDispatcher {
  private queue: Item[] = [];
  private head = 0;
  private inFlight = 0;
  private retries = new Set<NodeJS.Timeout>();
  private held: Batch[] = [];
  private heldTimer: NodeJS.Timeout | undefined;
  private scheduled = false;
  private closed = false;
  private idleWaiters: (() => void)[] = [];
  private readonly agent = new Agent({ connections: 16, keepAliveTimeout: 10_000, pipelining: 1 });
  readonly stats: DispatcherStats = {
    verified: undefined,
    queuedItems: 0,
    inFlightPosts: 0,
    pendingRetries: 0,
    heldBatches: 0,
    postsOk: 0,
    postsFailed: 0,
    itemsDelivered: 0,
    itemsDropped: 0,
    duplicatesSent: 0,
    reordered: 0,
  };

  constructor(
    private readonly cfg: DispatcherConfig,
    private readonly target: () => WebhookTarget,
    private readonly rng: Random,
    private readonly log: Logger,
  ) {}

  status(metadata: Metadata, status: StatusObject): void {
    this.push({ field: 'messages', metadata, status });
  }

  message(metadata: Metadata, contact: ContactObject, message: InboundMessageObject): void {
    this.push({ field: 'messages', metadata, contact, message });
  }

  /** Non-`messages` fields (template status, quality, capability…) carry entry.time. */
  field(field: string, time: number, value: Record<string, unknown>): void {
    this.push({ field, time, value });
  }

  private push(item: Item): void {
    if (this.closed || !this.target().callbackUrl) {
      if (!this.closed) this.stats.itemsDropped++;
      return;
    }
    this.queue.push(item);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        this.pump();
      });
    }
  }

  private pending(): number {
    return this.queue.length - this.head;
  }

  private pump(): void {
    while (!this.closed && this.inFlight < this.cfg.concurrency && this.pending() > 0) {
      const take = Math.min(this.cfg.maxBatchItems, this.pending());
      const items = this.queue.slice(this.head, this.head + take);
      this.head += take;
      if (this.head > 50_000 || this.head === this.queue.length) {
        this.queue = this.queue.slice(this.head);
        this.head = 0;
      }
      this.launch({ body: metaJson(this.envelope(items)), items: items.length, attempt: 1 });
    }
    this.checkIdle();
  }

  /** One entry per kind: `messages` values grouped per number, other fields with their time. */
  private envelope(items: Item[]): unknown {
    const wabaId = this.cfg.wabaId();
    const changes: unknown[] = [];
    const timed: unknown[] = [];
    let statusList: StatusObject[] | undefined;
    let statusNumber: string | undefined;
    for (const it of items) {
      if ('status' in it) {
        if (!statusList || statusNumber !== it.metadata.phone_number_id) {
          statusList = [];
          statusNumber = it.metadata.phone_number_id;
          changes.push({ value: { messaging_product: 'whatsapp', metadata: it.metadata, statuses: statusList }, field: 'messages' });
        }
        statusList.push(it.status);
      } else if ('message' in it) {
        statusList = undefined;
        changes.push({
          value: { messaging_product: 'whatsapp', metadata: it.metadata, contacts: [it.contact], messages: [it.message] },
          field: 'messages',
        });
      } else {
        timed.push({ id: wabaId, time: it.time, changes: [{ value: it.value, field: it.field }] });
      }
    }
    const entry = changes.length > 0 ? [{ id: wabaId, changes }, ...timed] : timed;
    return { object: 'whatsapp_business_account', entry };
  }

  private launch(batch: Batch): void {
    const { reorderRate } = this.cfg.chaos;
    if (reorderRate > 0 && this.held.length === 0 && this.rng.chance(reorderRate)) {
      // Hold this batch; it goes out right after the next one (or shortly, if none comes).
      this.held.push(batch);
      this.stats.reordered++;
      this.heldTimer = setTimeout(() => this.releaseHeld(), 50);
      return;
    }
    this.post(batch);
    this.releaseHeld();
  }

  private releaseHeld(): void {
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.heldTimer = undefined;
    const held = this.held.splice(0);
    for (const b of held) this.post(b);
  }

  private post(batch: Batch): void {
    this.inFlight++;
    void this.deliver(batch).finally(() => {
      this.inFlight--;
      this.pump();
    });
  }

  private async deliver(batch: Batch): Promise<void> {
    const { minDelayMs, maxDelayMs, duplicateRate } = this.cfg.chaos;
    if (maxDelayMs > 0) await sleep(this.rng.int(minDelayMs, Math.max(minDelayMs, maxDelayMs)));
    const ok = await this.postOnce(batch.body);
    if (ok) {
      this.stats.postsOk++;
      this.stats.itemsDelivered += batch.items;
      if (duplicateRate > 0 && this.rng.chance(duplicateRate)) {
        this.stats.duplicatesSent++;
        await this.postOnce(batch.body);
      }
      return;
    }
    this.stats.postsFailed++;
    if (batch.attempt >= this.cfg.maxAttempts || this.closed) {
      this.stats.itemsDropped += batch.items;
      this.log.warn({ attempts: batch.attempt, items: batch.items }, 'webhook batch dropped after retries');
      return;
    }
    const wait = Math.min(this.cfg.retryMaxMs, this.cfg.retryBaseMs * 2 ** (batch.attempt - 1));
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      this.post({ ...batch, attempt: batch.attempt + 1 });
    }, wait);
    this.retries.add(timer);
  }

  private async postOnce(body: string): Promise<boolean> {
    const url = this.target().callbackUrl;
    if (!url) return false;
    try {
      const res = await request(url, {
        method: 'POST',
        body,
        dispatcher: this.agent,
        headersTimeout: this.cfg.requestTimeoutMs,
        bodyTimeout: this.cfg.requestTimeoutMs,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'facebookexternalua',
          'x-hub-signature-256': signatureHeader(this.cfg.appSecret, body),
        },
      });
      await res.body.dump();
      if (res.statusCode !== 200) this.log.debug({ status: res.statusCode }, 'webhook POST not accepted');
      return res.statusCode === 200;
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'webhook POST failed');
      return false;
    }
  }

  /** GET verification handshake (spec §3.1), retried a few times; never throws. */
  async handshake(): Promise<boolean> {
    const { callbackUrl, verifyToken } = this.target();
    if (!callbackUrl) return false;
    const attempts = Math.max(1, this.cfg.handshakeAttempts);
    for (let i = 1; i <= attempts && !this.closed; i++) {
      const challenge = String(randomInt(100_000_000, 2_000_000_000));
      const u = new URL(callbackUrl);
      u.searchParams.set('hub.mode', 'subscribe');
      u.searchParams.set('hub.challenge', challenge);
      u.searchParams.set('hub.verify_token', verifyToken);
      try {
        const res = await request(u, { method: 'GET', dispatcher: this.agent, headersTimeout: this.cfg.requestTimeoutMs });
        const text = await res.body.text();
        if (res.statusCode === 200 && text.trim() === challenge) {
          this.stats.verified = true;
          this.log.info({ callbackUrl }, 'webhook callback verified');
          return true;
        }
        this.log.warn({ callbackUrl, status: res.statusCode, attempt: i }, 'webhook verification refused');
      } catch (err) {
        this.log.warn({ callbackUrl, attempt: i, err: (err as Error).message }, 'webhook callback not reachable');
      }
      if (i < attempts) await sleep(this.cfg.handshakeRetryMs * i);
    }
    this.stats.verified = false;
    this.log.warn({ callbackUrl }, 'webhook verification did not succeed; deliveries will still be attempted');
    return false;
  }

  snapshot(): DispatcherStats {
    return {
      ...this.stats,
      queuedItems: this.pending(),
      inFlightPosts: this.inFlight,
      pendingRetries: this.retries.size,
      heldBatches: this.held.length,
    };
  }

  private isIdle(): boolean {
    return this.pending() === 0 && this.inFlight === 0 && this.retries.size === 0 && this.held.length === 0 && !this.scheduled;
  }

  private checkIdle(): void {
    if (!this.isIdle()) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Resolves once nothing is queued, in flight, held or waiting to be retried. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Forget queued work (control reset); in-flight POSTs finish on their own. */
  clear(): void {
    this.queue = [];
    this.head = 0;
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
    this.held = [];
    if (this.heldTimer) clearTimeout(this.heldTimer);
    this.checkIdle();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.clear();
    for (const w of this.idleWaiters.splice(0)) w();
    await this.agent.close().catch(() => undefined);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
