// Monotonic merge of outbound message statuses (spec §3.5, DESIGN §4). Webhooks arrive 1–n times and in any order,
// so the merge is idempotent and order-independent: the status is the highest seen, each timestamp the earliest.
export type OutboundStatus = 'accepted' | 'sent' | 'delivered' | 'read' | 'played' | 'failed';

export interface MetaErrorDetail {
  code: number;
  title?: string;
  message?: string;
  details?: string;
  href?: string;
}

export interface StatusTimestamps {
  sent_at: Date | null;
  delivered_at: Date | null;
  read_at: Date | null;
  played_at: Date | null;
  failed_at: Date | null;
}

export interface StatusState extends StatusTimestamps {
  status: OutboundStatus;
  /** Meta's error(s) from the first failed status, kept as given. */
  errors: MetaErrorDetail[] | null;
}

export interface StatusEvent {
  status: OutboundStatus;
  at: Date;
  errors?: MetaErrorDetail[];
}

export interface StatusMerge {
  state: StatusState;
  changed: boolean;
  statusChanged: boolean;
  /** Only the columns whose value changed. */
  set: Partial<StatusTimestamps> & { status?: OutboundStatus; errors?: MetaErrorDetail[] };
}

// played (a voice note played) is at least read; failed is terminal so it outranks everything.
const RANK: Record<OutboundStatus, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, played: 4, failed: 5 };

// A status implies the earlier ones happened by then (a read may come without a delivered, spec §3.2).
const IMPLIES: Record<OutboundStatus, (keyof StatusTimestamps)[]> = {
  accepted: [],
  sent: ['sent_at'],
  delivered: ['sent_at', 'delivered_at'],
  read: ['sent_at', 'delivered_at', 'read_at'],
  played: ['sent_at', 'delivered_at', 'read_at', 'played_at'],
  failed: ['failed_at'],
};

export function initialStatus(): StatusState {
  return { status: 'accepted', sent_at: null, delivered_at: null, read_at: null, played_at: null, failed_at: null, errors: null };
}

export function statusRank(s: OutboundStatus): number {
  return RANK[s];
}

export function mergeStatus(current: StatusState | null, event: StatusEvent): StatusMerge {
  const base = current ?? initialStatus();
  const next: StatusState = { ...base };
  const set: StatusMerge['set'] = {};

  if (RANK[event.status] > RANK[base.status]) {
    next.status = event.status;
    set.status = event.status;
  }
  for (const column of IMPLIES[event.status]) {
    const existing = base[column];
    if (existing === null || event.at.getTime() < existing.getTime()) {
      next[column] = event.at;
      set[column] = event.at;
    }
  }
  if (event.status === 'failed' && base.errors === null && event.errors && event.errors.length > 0) {
    next.errors = event.errors;
    set.errors = event.errors;
  }
  const changed = Object.keys(set).length > 0;
  return { state: changed ? next : base, changed, statusChanged: set.status !== undefined, set };
}
