// Messaging limits (spec §4.5) and throughput (spec §4.6), as arithmetic over plain data: how many recipients
// outside a customer-service window may be reached now, when the rest may go, and how long sending takes.
export const MESSAGING_TIERS = [250, 2000, 10_000, 100_000, 'unlimited'] as const;
export type MessagingTier = (typeof MESSAGING_TIERS)[number];

/** The limit counts unique users reached outside a CSW in a moving 24 h. */
export const REACH_WINDOW_MS = 24 * 60 * 60 * 1000;
/** Cloud API default per number (spec §4.6); coexistence numbers get 20, upgraded numbers 1,000. */
export const DEFAULT_MPS = 80;

export interface PreviousReach {
  /** Who was reached (phone digits or BSUID); without it the reach counts as a distinct user. */
  user?: string | null;
  at: Date;
}

export interface ReachPlanInput {
  tier: MessagingTier;
  /** The portfolio's reaches outside a CSW; older than 24 h before `now` are ignored. */
  reached: readonly PreviousReach[];
  /** The users to reach outside a CSW, in send order (duplicates count once). */
  users: readonly string[];
  now: Date;
}

export interface ReachWave {
  at: Date;
  count: number;
}

export interface ReachPlan {
  /** Null when unlimited. */
  limit: number | null;
  /** Unique users already counted in the 24 h before `now`. */
  usedInLast24h: number;
  availableNow: number | null;
  /** Unique users asked for, and those of them already in the window (reaching them again adds nothing). */
  users: number;
  alreadyCounted: number;
  canSendNow: number;
  later: number;
  /** When each group can go: the first is `now` (when any can); later ones as earlier reaches age out. */
  waves: ReachWave[];
  /** When the last user can be reached (null when there is nobody to reach). */
  allSentBy: Date | null;
}

/**
 * Plan reaches against the tier. Slots work as a queue: each unused slot is free now, each slot used by a
 * previous reach frees 24 h after it, and each slot we use frees 24 h after our send. Times are the earliest the
 * limit allows; sending itself then takes count / mps (see sendDurationMs).
 */
export function planReach(input: ReachPlanInput): ReachPlan {
  const now = input.now.getTime();
  const since = now - REACH_WINDOW_MS;
  // Latest reach per known user inside the window: a user reached twice occupies one slot, until the later reach ages out.
  const latest = new Map<string, number>();
  const anonymous: number[] = [];
  for (const r of input.reached) {
    const at = Math.min(r.at.getTime(), now);
    if (at <= since) continue;
    if (r.user) latest.set(r.user, Math.max(latest.get(r.user) ?? at, at));
    else anonymous.push(at);
  }
  const usedTimes = [...latest.values(), ...anonymous].sort((a, b) => a - b);

  const wanted: string[] = [];
  const seen = new Set<string>();
  let alreadyCounted = 0;
  for (const u of input.users) {
    if (seen.has(u)) continue;
    seen.add(u);
    if (latest.has(u)) alreadyCounted++;
    else wanted.push(u);
  }
  const users = seen.size;

  if (input.tier === 'unlimited') {
    const count = users;
    return {
      limit: null, usedInLast24h: usedTimes.length, availableNow: null, users, alreadyCounted, canSendNow: count, later: 0,
      waves: count > 0 ? [{ at: new Date(now), count }] : [], allSentBy: count > 0 ? new Date(now) : null,
    };
  }

  const limit = input.tier;
  const freeNow = Math.max(0, limit - usedTimes.length);
  // If the window holds more than the limit (a lowered tier), the oldest extra reaches must age out first.
  const occupied = usedTimes.slice(Math.max(0, usedTimes.length - limit));
  const queue: number[] = [...Array<number>(freeNow).fill(now), ...occupied.map((t) => Math.max(now, t + REACH_WINDOW_MS))];
  const waves: ReachWave[] = [];
  let head = 0;
  for (let i = 0; i < wanted.length; i++) {
    const at = queue[head++]!;
    queue.push(at + REACH_WINDOW_MS);
    const last = waves[waves.length - 1];
    if (last && last.at.getTime() === at) last.count++;
    else waves.push({ at: new Date(at), count: 1 });
  }
  // Users already in the window go with the first wave: they take no new slot.
  if (alreadyCounted > 0) {
    const first = waves[0];
    if (first && first.at.getTime() === now) first.count += alreadyCounted;
    else waves.unshift({ at: new Date(now), count: alreadyCounted });
  }
  const canSendNow = waves[0]?.at.getTime() === now ? waves[0].count : 0;
  return {
    limit,
    usedInLast24h: usedTimes.length,
    availableNow: freeNow,
    users,
    alreadyCounted,
    canSendNow,
    later: users - canSendNow,
    waves,
    allSentBy: waves.length > 0 ? waves[waves.length - 1]!.at : null,
  };
}

/** Milliseconds to send `messages` at `mps` messages per second (rounded up to a whole millisecond). */
export function sendDurationMs(messages: number, mps: number = DEFAULT_MPS): number {
  if (!(mps > 0)) throw new RangeError('Throughput must be above 0 messages per second.');
  return Math.ceil((Math.max(0, messages) * 1000) / mps);
}
