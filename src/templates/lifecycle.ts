// Template lifecycle rules (whatsapp-cloud-api.md §4.3, §6): what a webhook does to a stored template, when an
// edit or delete is allowed, how long a pause lasts. Pure: rows and `now` come in, decisions go out.

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Meta's limits on editing (spec §6 "edit template"). */
export const EDIT_LIMITS = { editableStatuses: ['APPROVED', 'REJECTED', 'PAUSED'], approvedPer30Days: 10, approvedMinGapMs: DAY, windowMs: 30 * DAY } as const;

/** One entry of templates.history, newest last. */
export interface HistoryEntry {
  status: string;
  at: string;
  source: 'webhook' | 'sync' | 'api';
  /** What happened besides a status: `created`, `submitted`, `edited`, `category`, `quality`, `unpaused`. */
  event?: string;
  reason?: string | null;
  /** REJECTED: Meta's reason code (INVALID_FORMAT, PROMOTIONAL…) and its words. */
  reasonCode?: string | null;
  recommendation?: string | null;
  category?: string;
  previousCategory?: string;
  quality?: string;
  pausedUntil?: string | null;
  /** The event was older than the stored state: recorded, not applied. */
  stale?: boolean;
}

export function asHistory(v: unknown): HistoryEntry[] {
  return Array.isArray(v) ? (v.filter((e) => typeof e === 'object' && e !== null) as HistoryEntry[]) : [];
}

/** `en-US` (webhooks) and `en_US` (API) are the same language. */
export function normaliseLanguage(code: string): string {
  return code.replace('-', '_');
}

/** Webhook events that set a status, and the status they leave (spec §3.6). */
const EVENT_STATUS: Readonly<Record<string, string>> = {
  APPROVED: 'APPROVED',
  REJECTED: 'REJECTED',
  PAUSED: 'PAUSED',
  DISABLED: 'DISABLED',
  PENDING: 'PENDING',
  IN_APPEAL: 'IN_APPEAL',
  FLAGGED: 'FLAGGED',
  LIMIT_EXCEEDED: 'LIMIT_EXCEEDED',
  LOCKED: 'LOCKED',
  ARCHIVED: 'ARCHIVED',
  UNARCHIVED: 'APPROVED',
  REINSTATED: 'APPROVED',
  PENDING_DELETION: 'PENDING_DELETION',
  DELETED: 'DELETED',
};

export function statusOfEvent(event: string): string | undefined {
  return EVENT_STATUS[event.toUpperCase()];
}

function dateOf(v: unknown): Date | null {
  if (typeof v === 'number' && Number.isFinite(v)) return new Date(v < 1e12 ? v * 1000 : v);
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    if (Number.isFinite(n)) return dateOf(n);
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d;
  }
  return null;
}

/**
 * When a pause ends (spec §4.3: 3 h the first time, 6 h the second). Meta names the pause in
 * `other_info.title`; without it, a `disable_info.disable_date` in the future is taken as the end, else the
 * count of earlier pauses decides.
 */
export function pausedUntil(value: Record<string, unknown>, at: Date, earlierPauses: number): Date {
  const other = typeof value.other_info === 'object' && value.other_info !== null ? (value.other_info as Record<string, unknown>) : {};
  const title = typeof other.title === 'string' ? other.title.toUpperCase() : '';
  if (title === 'FIRST_PAUSE') return new Date(at.getTime() + 3 * HOUR);
  if (title === 'SECOND_PAUSE') return new Date(at.getTime() + 6 * HOUR);
  const info = typeof value.disable_info === 'object' && value.disable_info !== null ? (value.disable_info as Record<string, unknown>) : {};
  const date = dateOf(info.disable_date);
  if (date && date.getTime() > at.getTime()) return date;
  return new Date(at.getTime() + (earlierPauses === 0 ? 3 : 6) * HOUR);
}

/** The time of the last status change in the history (for ordering out-of-order webhooks). */
export function lastChangeAt(history: readonly HistoryEntry[]): number {
  let t = 0;
  for (const h of history) {
    if (h.stale || h.event === 'quality' || h.event === 'category') continue;
    const at = Date.parse(h.at);
    if (Number.isFinite(at) && at > t) t = at;
  }
  return t;
}

/**
 * Whether an event at `at` is older than the stored state. Webhook times are whole seconds, so only an
 * earlier second counts as older; within the same second, arrival order decides.
 */
export function isStale(at: Date, history: readonly HistoryEntry[]): boolean {
  return Math.floor(at.getTime() / 1000) < Math.floor(lastChangeAt(history) / 1000);
}

export interface EditRefusal {
  code: 'template_not_editable' | 'category_locked' | 'edit_too_soon' | 'edit_limit_reached';
  message: string;
  details: Record<string, unknown>;
}

/** Edits this template had at Meta within the last 30 days. */
export function recentEdits(history: readonly HistoryEntry[], now: Date): Date[] {
  return history
    .filter((h) => h.event === 'edited' && h.source === 'api')
    .map((h) => new Date(h.at))
    .filter((d) => now.getTime() - d.getTime() < EDIT_LIMITS.windowMs);
}

/** Whether Meta would accept an edit now (spec §6), or why not. Drafts are ours and always editable. */
export function checkEdit(
  row: { status: string; category: string; history: readonly HistoryEntry[] },
  patch: { category?: string },
  now: Date,
): EditRefusal | null {
  const status = row.status.toUpperCase();
  if (status === 'DRAFT') return null;
  if (!(EDIT_LIMITS.editableStatuses as readonly string[]).includes(status)) {
    return {
      code: 'template_not_editable',
      message: `Only approved, rejected or paused templates can be edited; this one is ${status.toLowerCase()}.${status === 'PENDING' ? ' Wait for Meta\'s review to finish.' : ''}`,
      details: { status },
    };
  }
  if (status !== 'APPROVED') return null;
  if (patch.category !== undefined && patch.category.toUpperCase() !== row.category.toUpperCase()) {
    return {
      code: 'category_locked',
      message: `The category of an approved template cannot change (it is ${row.category}). Create a new template in ${patch.category.toUpperCase()} instead.`,
      details: { category: row.category, requested: patch.category },
    };
  }
  const edits = recentEdits(row.history, now).sort((a, b) => a.getTime() - b.getTime());
  const last = edits[edits.length - 1];
  if (last && now.getTime() - last.getTime() < EDIT_LIMITS.approvedMinGapMs) {
    const next = new Date(last.getTime() + EDIT_LIMITS.approvedMinGapMs);
    return {
      code: 'edit_too_soon',
      message: `An approved template can be edited once every 24 hours; the next edit is possible at ${next.toISOString()}.`,
      details: { nextEditAt: next.toISOString() },
    };
  }
  if (edits.length >= EDIT_LIMITS.approvedPer30Days) {
    const next = new Date((edits[0] ?? now).getTime() + EDIT_LIMITS.windowMs);
    return {
      code: 'edit_limit_reached',
      message: `An approved template can be edited at most ${EDIT_LIMITS.approvedPer30Days} times in 30 days; the next edit is possible at ${next.toISOString()}.`,
      details: { nextEditAt: next.toISOString(), editsIn30Days: edits.length },
    };
  }
  return null;
}

/** What the editor shows about editing: allowed now, and the limits left. */
export function editability(row: { status: string; category: string; history: readonly HistoryEntry[] }, now: Date) {
  const refusal = checkEdit(row, {}, now);
  const edits = recentEdits(row.history, now);
  return {
    canEdit: refusal === null,
    reason: refusal?.message ?? null,
    categoryLocked: row.status.toUpperCase() === 'APPROVED',
    editsLeftIn30Days: row.status.toUpperCase() === 'APPROVED' ? Math.max(0, EDIT_LIMITS.approvedPer30Days - edits.length) : null,
    nextEditAt: typeof refusal?.details.nextEditAt === 'string' ? refusal.details.nextEditAt : null,
  };
}

/** Meta refuses to delete disabled templates (spec §6). */
export function deleteRefusal(status: string): string | null {
  return status.toUpperCase() === 'DISABLED' ? 'Disabled templates cannot be deleted (Meta keeps them). Create a new template with a different name instead.' : null;
}
