// Customer-service window (CSW) and free-entry-point (FEP) window, spec §4.1, §4.2.
export const CSW_MS = 24 * 60 * 60 * 1000;
export const FEP_MS = 72 * 60 * 60 * 1000;

export interface WindowInfo {
  state: 'open' | 'closed';
  /** When the window ends; null when it never opened. */
  expiresAt: Date | null;
  /** Milliseconds left; 0 when closed. */
  remainingMs: number;
}

export interface CustomerServiceWindow extends WindowInfo {
  lastCustomerMessageAt: Date | null;
  /** e.g. "last wrote 26 h ago", or "has not written yet". */
  lastWrote: string;
}

function windowFrom(start: Date | null, lengthMs: number, now: Date): WindowInfo {
  if (start === null) return { state: 'closed', expiresAt: null, remainingMs: 0 };
  const expires = start.getTime() + lengthMs;
  const remaining = expires - now.getTime();
  // Closed exactly at expiry: Meta's 24 h is a hard edge; a send at the edge would race it anyway.
  return remaining > 0
    ? { state: 'open', expiresAt: new Date(expires), remainingMs: remaining }
    : { state: 'closed', expiresAt: new Date(expires), remainingMs: 0 };
}

/** The CSW as it stands at `now`: 24 h from the customer's last message. */
export function customerServiceWindow(lastCustomerMessageAt: Date | null, now: Date): CustomerServiceWindow {
  return {
    ...windowFrom(lastCustomerMessageAt, CSW_MS, now),
    lastCustomerMessageAt,
    lastWrote:
      lastCustomerMessageAt === null
        ? 'has not written yet'
        : `last wrote ${formatAgo(now.getTime() - lastCustomerMessageAt.getTime())}`,
  };
}

/**
 * The customer's last message after a new one arrives. Webhooks come out of order, so an older message
 * never moves the window back.
 */
export function lastCustomerMessageAfter(current: Date | null, incomingAt: Date): Date {
  return current === null || incomingAt.getTime() > current.getTime() ? incomingAt : current;
}

/** "just now", "5 min ago", "26 h ago", "4 days ago" (rounded down: never claims more time than passed). */
export function formatAgo(ms: number): string {
  const min = Math.floor(Math.max(0, ms) / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const h = Math.floor(min / 60);
  if (h < 72) return `${h} h ago`;
  return `${Math.floor(h / 24)} days ago`;
}

/** "3 h 20 min", "45 min", "less than a minute": for "the window closes in …". */
export function formatDuration(ms: number): string {
  const min = Math.floor(Math.max(0, ms) / 60_000);
  if (min < 1) return 'less than a minute';
  const h = Math.floor(min / 60);
  const m = min % 60;
  if (h === 0) return `${m} min`;
  return m === 0 ? `${h} h` : `${h} h ${m} min`;
}

export interface FepFacts {
  /** When the customer's message carrying an ad / Page CTA referral arrived (null when none). */
  referralAt: Date | null;
  /** Our first reply sent after that referral message (null when we have not replied yet). */
  firstReplyAt: Date | null;
}

export interface FepWindow extends WindowInfo {
  startsAt: Date | null;
}

/**
 * The FEP window: opened by our first reply when it is sent within 24 h of the referral message, and lasting
 * 72 h from that reply. A late first reply opens none. Independent of the CSW: it makes messages free, it does
 * not allow free-form messages once the CSW has closed.
 */
export function freeEntryPointWindow(facts: FepFacts, now: Date): FepWindow {
  const start = fepStart(facts);
  return { ...windowFrom(start, FEP_MS, now), startsAt: start };
}

function fepStart({ referralAt, firstReplyAt }: FepFacts): Date | null {
  if (referralAt === null || firstReplyAt === null) return null;
  const delay = firstReplyAt.getTime() - referralAt.getTime();
  return delay >= 0 && delay < CSW_MS ? firstReplyAt : null;
}

/**
 * Whether a reply sent at `replyAt` would open an FEP window (it is the first reply to a referral, within 24 h):
 * the caller stores it as firstReplyAt.
 */
export function replyOpensFep(facts: FepFacts, replyAt: Date): boolean {
  if (facts.referralAt === null || facts.firstReplyAt !== null) return false;
  return fepStart({ referralAt: facts.referralAt, firstReplyAt: replyAt }) !== null;
}
