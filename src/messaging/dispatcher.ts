// The outbound dispatcher (DESIGN §4 "Outbound"): one lane per sender number, held by lease with a fencing epoch
// so exactly one process paces a number across the cluster. Inside a lane: a token bucket at the number's
// throughput, pair-rate spacing per recipient, batch claims committed before the HTTP calls, up to
// `maxInFlight` requests at once, batched acceptance writes, retries with backoff, and crash reconciliation.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { AppContext } from '../context.ts';
import { retryDelayMs } from '../core/errors.ts';
import { take, waitFor, type TokenBucketConfig, type TokenBucketState } from '../core/limits/token-bucket.ts';
import { CONSERVATIVE_PAIR_RATE, earliestSendAt, recordSend, type PairRateConfig, type PairRateState } from '../core/limits/pair-rate.ts';
import { replyOpensFep, FEP_MS } from '../core/window.ts';
import { formatCallbackData } from '../core/callback-data.ts';
import { createCloudApiClient, type CloudApiClient } from '../whatsapp/client.ts';
import { CloudApiError, networkError } from '../whatsapp/errors.ts';
import { fepFacts } from './outbox.ts';
import {
  acquireLane, claimBatch, countInDoubt, listLaneNumbers, listLanes, markAccepted, markFailed, openFep, releaseLane, renewLane,
  recentSends, requeue, requeueInDoubt, type AcceptedItem, type ClaimedRow, type LaneNumber,
} from './lanes.ts';

export interface DispatcherOptions {
  /** Unique per process (default host:pid:random). */
  owner?: string;
  client?: CloudApiClient;
  /** Lease length and renewal period. */
  leaseMs?: number;
  renewMs?: number;
  /** Idle poll when nothing is due and nobody called wake(). */
  pollMs?: number;
  /** HTTP requests in flight per lane. */
  maxInFlight?: number;
  /** Fraction of the number's throughput kept free (inbound shares Meta's limit; clocks differ). */
  headroom?: number;
  /** Seconds of throughput the local bucket may burst (Meta's bucket holds one second). */
  burstSeconds?: number;
  /** How long rows left in `sending` by a previous owner wait for a status webhook before a resend. */
  graceMs?: number;
  /** Attempts before a retryable error becomes final. */
  maxAttempts?: number;
  pairRate?: PairRateConfig;
  /** Only run lanes for these numbers (our uuids); default all. */
  numbers?: string[];
  /** Accepted writes are batched: flush at this size or after flushMs. */
  flushSize?: number;
  flushMs?: number;
  random?: () => number;
}

export interface DispatcherHandle {
  stop(): Promise<void>;
  wake(): void;
  /** Lanes this process holds: number uuid → epoch. */
  lanes(): Map<string, number>;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

class Signal {
  private waiters: (() => void)[] = [];
  wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        const i = this.waiters.indexOf(done);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve();
      };
      const t = setTimeout(done, Math.max(0, ms));
      this.waiters.push(done);
    });
  }
  fire(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

export function defaultOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

type Settings = Required<Omit<DispatcherOptions, 'owner' | 'client' | 'numbers'>> & { owner: string };

class Lane {
  private stopped = false;
  private lost = false;
  private inFlight = 0;
  private readonly slot = new Signal();
  private bucket: TokenBucketState;
  private bucketCfg: TokenBucketConfig;
  private readonly pair = new Map<string, PairRateState>();
  private accepted: (AcceptedItem & { row: ClaimedRow; at: Date })[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> = Promise.resolve();
  private inDoubtUntil: number | null;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly ctx: AppContext,
    private readonly s: Settings,
    private readonly client: CloudApiClient,
    private readonly wakeSignal: Signal,
    public number: LaneNumber,
    public readonly epoch: number,
    inDoubt: number,
  ) {
    this.bucketCfg = this.configFor(number.throughputMps);
    // Start empty-ish: a previous owner may have just used Meta's bucket.
    this.bucket = { tokens: 0, at: performance.now() };
    this.inDoubtUntil = inDoubt > 0 ? ctx.clock.now().getTime() + s.graceMs : null;
    if (inDoubt > 0) ctx.logger.info({ number: number.id, inDoubt, graceMs: s.graceMs }, 'lane acquired with sends in doubt: waiting for status webhooks before resending');
  }

  private configFor(mps: number): TokenBucketConfig {
    const rate = Math.max(0.1, mps * (1 - this.s.headroom));
    return { ratePerSec: rate, capacity: Math.max(1, Math.floor(rate * this.s.burstSeconds)) };
  }

  update(number: LaneNumber): void {
    if (number.throughputMps !== this.number.throughputMps) {
      this.bucketCfg = this.configFor(number.throughputMps);
      this.bucket = { tokens: Math.min(this.bucket.tokens, this.bucketCfg.capacity), at: this.bucket.at };
    }
    this.number = number;
  }

  start(): void {
    this.loop = this.run().catch((err: unknown) => this.ctx.logger.error({ err, number: this.number.id }, 'lane stopped by an error'));
  }

  /** The lease was lost: stop claiming at once (fencing keeps in-flight results from overwriting). */
  markLost(): void {
    this.lost = true;
    this.stopped = true;
    this.slot.fire();
  }

  async stop(release: boolean): Promise<void> {
    this.stopped = true;
    this.slot.fire();
    await this.loop;
    const deadline = Date.now() + 20_000;
    while (this.inFlight > 0 && Date.now() < deadline) await this.slot.wait(100);
    await this.flush();
    if (release && !this.lost) await releaseLane(this.ctx.store.db, this.number.id, this.s.owner, this.epoch).catch(() => {});
  }

  /**
   * Meta counts the pair rate per (business number, customer), whoever sends: after a failover the previous
   * owner's recent sends still count, so rebuild their state before sending (else a burst it just made to a
   * customer could be followed at once by another, and Meta answers 131056).
   */
  private async seedPairRate(): Promise<void> {
    const now = this.ctx.clock.now().getTime();
    const window = this.s.pairRate.maxBurst * this.s.pairRate.intervalMs;
    for (const send of await recentSends(this.ctx.store.db, this.number.id, new Date(now - window))) {
      this.pair.set(send.recipientKey, recordSend(this.pair.get(send.recipientKey) ?? null, send.at.getTime(), this.s.pairRate));
    }
  }

  private async run(): Promise<void> {
    const db = this.ctx.store.db;
    await this.seedPairRate().catch((err: unknown) => this.ctx.logger.warn({ err, number: this.number.id }, 'could not read recent sends for the pair rate'));
    while (!this.stopped) {
      try {
        if (this.inDoubtUntil !== null && this.ctx.clock.now().getTime() >= this.inDoubtUntil) {
          const n = await requeueInDoubt(db, this.number.id, this.epoch, this.ctx.clock.now());
          this.inDoubtUntil = null;
          if (n > 0) this.ctx.logger.info({ number: this.number.id, resent: n }, 'no status came for sends in doubt: resending');
        }
        const room = this.s.maxInFlight - this.inFlight;
        if (room <= 0) {
          await this.slot.wait(this.s.pollMs);
          continue;
        }
        const t = take(this.bucketCfg, this.bucket, Math.min(room, this.bucketCfg.capacity), performance.now());
        if (t.granted === 0) {
          this.bucket = t.state;
          // Wake when half the bucket is there: batches stay large, and timer overshoot never meets the cap
          // (tokens arriving at a full bucket are lost throughput).
          const half = Math.max(1, Math.floor(this.bucketCfg.capacity / 2));
          await sleep(Math.max(1, Math.min(waitFor(this.bucketCfg, t.state, half, performance.now()), this.s.pollMs)));
          continue;
        }
        const rows = await claimBatch(db, { numberId: this.number.id, owner: this.s.owner, epoch: this.epoch }, this.ctx.clock.now(), t.granted);
        // Unused tokens go back: a token is spent only by a send.
        const unused = t.granted - rows.length;
        this.bucket = { tokens: Math.min(this.bucketCfg.capacity, t.state.tokens + unused), at: t.state.at };
        if (rows.length === 0) {
          await this.wakeSignal.wait(this.inDoubtUntil === null ? this.s.pollMs : Math.min(this.s.pollMs, 250));
          continue;
        }
        for (const row of rows) await this.dispatch(row);
      } catch (err) {
        this.ctx.logger.error({ err, number: this.number.id }, 'lane iteration failed; retrying');
        await sleep(this.s.pollMs);
      }
    }
  }

  /** Pair rate first (defer without spending an attempt), then send without waiting for the answer. */
  private async dispatch(row: ClaimedRow): Promise<void> {
    const now = this.ctx.clock.now().getTime();
    const state = this.pair.get(row.recipientKey) ?? null;
    const earliest = earliestSendAt(state, now, this.s.pairRate);
    if (earliest > now) {
      this.bucket = { tokens: Math.min(this.bucketCfg.capacity, this.bucket.tokens + 1), at: this.bucket.at };
      await requeue(this.ctx.store.db, row.id, this.epoch, new Date(earliest), new Date(now), { notAnAttempt: true });
      return;
    }
    this.pair.set(row.recipientKey, recordSend(state, now, this.s.pairRate));
    if (this.pair.size > 100_000) this.prunePairs(now);
    this.inFlight++;
    void this.send(row).finally(() => {
      this.inFlight--;
      this.slot.fire();
    });
  }

  private prunePairs(now: number): void {
    for (const [k, v] of this.pair) if (v.paidUntil <= now) this.pair.delete(k);
  }

  private async send(row: ClaimedRow): Promise<void> {
    const body = { ...row.body, biz_opaque_callback_data: formatCallbackData(row.id, row.attempts) };
    try {
      const res = await this.client.sendMessage(this.number, body);
      this.accepted.push({ id: row.id, wamid: res.wamid, row, at: this.ctx.clock.now() });
      if (this.accepted.length >= this.s.flushSize) void this.flush();
      else if (!this.flushTimer) this.flushTimer = setTimeout(() => void this.flush(), this.s.flushMs);
    } catch (err) {
      const e = err instanceof CloudApiError ? err : networkError(err);
      await this.failed(row, e).catch((dbErr: unknown) =>
        // The row stays in `sending`; the next owner (or our own restart) reconciles it after the grace period.
        this.ctx.logger.error({ err: dbErr, id: row.id }, 'could not record a send error'),
      );
    }
  }

  flush(): Promise<void> {
    if (this.flushTimer) {
      clearTimeout(this.flushTimer);
      this.flushTimer = null;
    }
    const batch = this.accepted;
    this.accepted = [];
    if (batch.length === 0) return this.flushing;
    // Serialise flushes so a slow write never reorders with the next one.
    this.flushing = this.flushing.then(async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          const at = batch[batch.length - 1]!.at;
          const changed = await markAccepted(this.ctx.store.db, batch, this.epoch, at);
          for (const c of changed) this.ctx.events.emit('message.status', { messageId: c.id, conversationId: c.conversationId, status: 'accepted' });
          await this.openFeps(batch);
          return;
        } catch (err) {
          if (attempt >= 5) {
            this.ctx.logger.error({ err, count: batch.length }, 'could not record accepted sends; they will be reconciled from status webhooks');
            return;
          }
          await sleep(200 * 2 ** attempt);
        }
      }
    });
    return this.flushing;
  }

  /** DESIGN/spec §4.2: our first reply within 24 h of an ad referral opens a 72 h FEP from the reply. */
  private async openFeps(batch: { row: ClaimedRow; at: Date }[]): Promise<void> {
    const seen = new Set<string>();
    for (const { row, at } of batch) {
      if (!row.referralAt || seen.has(row.conversationId)) continue;
      seen.add(row.conversationId);
      if (replyOpensFep(fepFacts(row), at)) {
        await openFep(this.ctx.store.db, row.conversationId, new Date(at.getTime() + FEP_MS));
        this.ctx.events.emit('conversation.updated', { conversationId: row.conversationId });
      }
    }
  }

  private async failed(row: ClaimedRow, e: CloudApiError): Promise<void> {
    const db = this.ctx.store.db;
    const now = this.ctx.clock.now();
    const stored = e.toStored();
    if (e.retryable && row.attempts < this.s.maxAttempts) {
      let delay = retryDelayMs(e.info, row.attempts - 1, this.s.random()) ?? 1_000;
      if (e.code === 130429) {
        // Meta says we are too fast: empty our bucket so the whole lane slows down, not just this row.
        this.bucket = { tokens: 0, at: performance.now() };
      } else if (e.code === 131056) {
        // Meta's pair bucket is empty: no bursting to this customer until the 4^X s back-off has passed.
        const until = now.getTime() + delay;
        this.pair.set(row.recipientKey, { paidUntil: until, burstStart: until, burstCount: this.s.pairRate.maxBurst });
      } else if (e.maybeDelivered) {
        // The answer was lost, not necessarily the send: give a status webhook time to reconcile it first.
        delay = Math.max(delay, this.s.graceMs);
      }
      await requeue(db, row.id, this.epoch, new Date(now.getTime() + delay), now, { lastError: stored });
      this.ctx.logger.debug({ id: row.id, code: e.code, delay }, 'send failed; retrying later');
      return;
    }
    const conversationId = await markFailed(db, row.id, this.epoch, stored, now);
    if (conversationId) this.ctx.events.emit('message.status', { messageId: row.id, conversationId, status: 'failed' });
    this.ctx.logger.info({ id: row.id, code: e.code, title: e.title }, 'send failed for good');
  }
}

/**
 * Start the dispatcher in this process. It takes every free lane (or those in `numbers`), keeps the leases,
 * and sends. `wake()` makes idle lanes look for work now (enqueue calls it); `stop()` finishes in-flight sends,
 * records them and releases the lanes.
 */
export function startDispatcher(ctx: AppContext, options: DispatcherOptions = {}): DispatcherHandle {
  const s: Settings = {
    owner: options.owner ?? defaultOwner(),
    leaseMs: options.leaseMs ?? 5_000,
    renewMs: options.renewMs ?? 1_000,
    pollMs: options.pollMs ?? 200,
    maxInFlight: options.maxInFlight ?? 64,
    headroom: options.headroom ?? 0.01,
    burstSeconds: options.burstSeconds ?? 0.2,
    graceMs: options.graceMs ?? 30_000,
    maxAttempts: options.maxAttempts ?? 10,
    pairRate: options.pairRate ?? CONSERVATIVE_PAIR_RATE,
    flushSize: options.flushSize ?? 200,
    flushMs: options.flushMs ?? 10,
    random: options.random ?? Math.random,
  };
  const ownClient = !options.client;
  // Shorter than the grace period, so a fenced-out owner's requests end before the new owner resends.
  const client = options.client ?? createCloudApiClient(ctx, { timeoutMs: Math.min(15_000, s.graceMs / 2) });
  const only = options.numbers ? new Set(options.numbers) : null;
  const wakeSignal = new Signal();
  const stopSignal = new Signal();
  const lanes = new Map<string, Lane>();
  let stopped = false;

  async function manage(): Promise<void> {
    const db = ctx.store.db;
    const now = ctx.clock.now();
    for (const [id, lane] of lanes) {
      const fresh = await renewLane(db, id, s.owner, lane.epoch, now, s.leaseMs);
      if (fresh) lane.update(fresh);
      else {
        ctx.logger.warn({ number: id, epoch: lane.epoch }, 'lane lease lost to another process');
        lane.markLost();
        lanes.delete(id);
        void lane.stop(false);
      }
    }
    const held = new Map((await listLanes(db)).map((l) => [l.phoneNumberId, l]));
    for (const number of await listLaneNumbers(db)) {
      if (stopped || lanes.has(number.id) || (only && !only.has(number.id))) continue;
      const l = held.get(number.id);
      if (l && l.owner && l.leaseUntil && l.leaseUntil.getTime() >= now.getTime()) continue;
      const epoch = await acquireLane(db, number.id, s.owner, now, s.leaseMs);
      if (epoch === null) continue;
      const inDoubt = await countInDoubt(db, number.id, epoch);
      const lane = new Lane(ctx, s, client, wakeSignal, number, epoch, inDoubt);
      lanes.set(number.id, lane);
      ctx.logger.info({ number: number.id, epoch, owner: s.owner }, 'lane acquired');
      lane.start();
    }
  }

  const manager = (async () => {
    while (!stopped) {
      try {
        await manage();
      } catch (err) {
        ctx.logger.error({ err }, 'dispatcher lane management failed; retrying');
      }
      await stopSignal.wait(s.renewMs);
    }
  })();

  return {
    wake: () => wakeSignal.fire(),
    lanes: () => new Map([...lanes].map(([id, l]) => [id, l.epoch])),
    async stop() {
      if (stopped) return;
      stopped = true;
      stopSignal.fire();
      await manager;
      await Promise.all([...lanes.values()].map((l) => l.stop(true)));
      lanes.clear();
      if (ownClient) await client.close();
    },
  };
}

