// SQL for the dispatcher's lanes (one per sender number) and the fenced state changes of outbox rows.
// Fencing: a lane's epoch goes up on every takeover; claims require the caller to hold the lane with its epoch,
// and every later change of a claimed row requires the row's epoch to still be the claimer's.
import { sql } from 'drizzle-orm';
import type { Db } from '../store/connection.ts';
import { rowsOf } from './outbox.ts';

const tsz = (d: Date) => sql`${d.toISOString()}::timestamptz`;

export interface LaneNumber {
  id: string;
  phoneNumberId: string;
  wabaId: string;
  accessTokenEnc: string;
  throughputMps: number;
}

export interface LaneStatus {
  phoneNumberId: string;
  owner: string | null;
  epoch: number;
  leaseUntil: Date | null;
}

export async function listLanes(db: Db): Promise<LaneStatus[]> {
  const rows = await rowsOf<{ phone_number_id: string; owner: string | null; epoch: number | string; lease_until: Date | string | null }>(
    db,
    sql`select phone_number_id, owner, epoch, lease_until from lanes`,
  );
  return rows.map((r) => ({
    phoneNumberId: r.phone_number_id,
    owner: r.owner,
    epoch: Number(r.epoch),
    leaseUntil: r.lease_until === null ? null : new Date(r.lease_until),
  }));
}

export async function listLaneNumbers(db: Db): Promise<LaneNumber[]> {
  const rows = await rowsOf<{ id: string; phone_number_id: string; waba_id: string; access_token_enc: string; throughput_mps: number }>(
    db,
    sql`select id, phone_number_id, waba_id, access_token_enc, throughput_mps from phone_numbers order by created_at`,
  );
  return rows.map((r) => ({ id: r.id, phoneNumberId: r.phone_number_id, wabaId: r.waba_id, accessTokenEnc: r.access_token_enc, throughputMps: Number(r.throughput_mps) }));
}

/** Take the lane if it is free or its lease expired; the new epoch, or null when someone else holds it. */
export async function acquireLane(db: Db, numberId: string, owner: string, now: Date, leaseMs: number): Promise<number | null> {
  const until = new Date(now.getTime() + leaseMs);
  const rows = await rowsOf<{ epoch: number | string }>(
    db,
    sql`insert into lanes (phone_number_id, owner, epoch, lease_until) values (${numberId}::uuid, ${owner}, 1, ${tsz(until)})
        on conflict (phone_number_id) do update set owner = excluded.owner, epoch = lanes.epoch + 1, lease_until = excluded.lease_until
        where lanes.owner is null or lanes.lease_until is null or lanes.lease_until < ${tsz(now)}
        returning epoch`,
  );
  return rows[0] ? Number(rows[0].epoch) : null;
}

/** Extend our lease (only while nobody took over: same owner and epoch). Returns the number's fresh settings, or null when lost. */
export async function renewLane(db: Db, numberId: string, owner: string, epoch: number, now: Date, leaseMs: number): Promise<LaneNumber | null> {
  const until = new Date(now.getTime() + leaseMs);
  const rows = await rowsOf<{ id: string; phone_number_id: string; waba_id: string; access_token_enc: string; throughput_mps: number }>(
    db,
    sql`update lanes l set lease_until = ${tsz(until)}
        from phone_numbers p
        where l.phone_number_id = ${numberId}::uuid and l.owner = ${owner} and l.epoch = ${epoch} and p.id = l.phone_number_id
        returning p.id, p.phone_number_id, p.waba_id, p.access_token_enc, p.throughput_mps`,
  );
  const r = rows[0];
  return r ? { id: r.id, phoneNumberId: r.phone_number_id, wabaId: r.waba_id, accessTokenEnc: r.access_token_enc, throughputMps: Number(r.throughput_mps) } : null;
}

export async function releaseLane(db: Db, numberId: string, owner: string, epoch: number): Promise<void> {
  await db.execute(sql`update lanes set owner = null, lease_until = null where phone_number_id = ${numberId}::uuid and owner = ${owner} and epoch = ${epoch}`);
}

export interface ClaimedRow {
  id: string;
  recipientKey: string;
  body: Record<string, unknown>;
  attempts: number;
  priority: number;
  notBefore: Date;
  conversationId: string;
  referralAt: Date | null;
  fepExpiresAt: Date | null;
}

// --- campaign guard (issue 8, campaigns) — begin ---
// A queued campaign row is sent only while its campaign is running and its contact may still receive it: someone
// who opted out of the template's category (BAJA) or was suppressed after the row was queued is not messaged.
// Rows of a paused campaign stay queued; rows of a cancelled campaign, or for such contacts, are withdrawn here
// (outbox `cancelled`, message `cancelled`, the reason in last_error) inside the same statement as the claim.
// The check runs on the rows this claim picked, not on every due row: the feeder keeps seconds of throughput
// queued, and re-checking all of it on every claim cost O(queue depth) per claim (≈ 2,000 rows × 5 joins, tens of
// ms, ten times a second at 1,000 mps), which held a long campaign below its number's cap.
const CAMPAIGN_CONTACT_BLOCKED = sql`(
  exists (select 1 from suppressions s where s.identifier = o.recipient_key)
  or exists (
    select 1 from messages m
    join conversations cv on cv.id = m.conversation_id
    join templates t on t.id = ca.template_id
    join consents cs on cs.contact_id = cv.contact_id and cs.category = lower(t.category)
    where m.id = o.id and cs.state = 'opted_out'))`;
/** Campaign rows the claim may pick: of a running campaign (to send or withdraw) or a cancelled one (to withdraw). */
const CAMPAIGN_ROW_CLAIMABLE = sql`exists (select 1 from campaigns ca where ca.id = o.campaign_id and ca.state in ('running', 'cancelled'))`;
/** What the claim does with a picked row: send it, leave it queued (`hold`), or withdraw it with this reason. */
const VERDICT = sql`case when o.campaign_id is null then 'send'
  when ca.state = 'cancelled' then 'campaign_cancelled'
  when ca.state is distinct from 'running' then 'hold'
  when ${CAMPAIGN_CONTACT_BLOCKED} then 'opted_out_or_suppressed'
  else 'send' end`;
// --- campaign guard — end ---

/**
 * Claim up to `limit` due rows for a lane: queued → sending with attempts + 1 and our epoch, committed before any
 * HTTP call. Nothing is claimed unless we hold the lane (owner, epoch, unexpired lease). SKIP LOCKED lets other
 * processes' claims (other lanes, or a takeover race) pass by; on PGlite (one connection) it is a no-op.
 * Campaign rows that may no longer be sent are withdrawn in the same statement and do not count; the claim goes
 * on for the rest of `limit` while it withdrew some.
 */
export async function claimBatch(
  db: Db,
  lane: { numberId: string; owner: string; epoch: number },
  now: Date,
  limit: number,
): Promise<ClaimedRow[]> {
  const claimed: ClaimedRow[] = [];
  for (let left = limit; left > 0; ) {
    const { rows, withdrawn } = await claimOnce(db, lane, now, left);
    claimed.push(...rows);
    left -= rows.length;
    if (withdrawn === 0) break;
  }
  return claimed.sort((a, b) => a.priority - b.priority || a.notBefore.getTime() - b.notBefore.getTime());
}

async function claimOnce(
  db: Db,
  lane: { numberId: string; owner: string; epoch: number },
  now: Date,
  limit: number,
): Promise<{ rows: ClaimedRow[]; withdrawn: number }> {
  const rows = await rowsOf<{
    withdrawn: number | string; id: string | null; recipient_key: string; body: unknown; attempts: number; priority: number; not_before: Date | string;
    conversation_id: string; referral_at: Date | string | null; fep_expires_at: Date | string | null;
  }>(
    db,
    sql`with lane as (
          select 1 from lanes where phone_number_id = ${lane.numberId}::uuid and owner = ${lane.owner} and epoch = ${lane.epoch}
            and lease_until > ${tsz(now)}
        ), picked as (
          select o.id, o.campaign_id, o.recipient_key from outbound_messages o
          where o.phone_number_id = ${lane.numberId}::uuid and o.state = 'queued' and o.not_before <= ${tsz(now)} and exists (select 1 from lane)
            and (o.campaign_id is null or ${CAMPAIGN_ROW_CLAIMABLE})
          order by o.priority, o.not_before
          limit ${limit}
          for update of o skip locked
        ), verdict as (
          select o.id, ${VERDICT} as verdict
          from picked o left join campaigns ca on ca.id = o.campaign_id
        ), withdrawn as (
          update outbound_messages o set state = 'cancelled', updated_at = ${tsz(now)},
            last_error = jsonb_build_object('code', 'withdrawn', 'reason', w.verdict)
          from verdict w where o.id = w.id and w.verdict not in ('send', 'hold') returning o.id, w.verdict as reason
        ), withdrawn_messages as (
          -- Runs to completion although nothing reads it (PostgreSQL runs every data-modifying WITH).
          update messages m set status = 'cancelled', errors = jsonb_build_array(jsonb_build_object('code', 'withdrawn', 'reason', w.reason))
          from withdrawn w where m.id = w.id and m.status = 'queued' returning m.id
        ), sending as (
          update outbound_messages o set state = 'sending', attempts = o.attempts + 1, epoch = ${lane.epoch}, updated_at = ${tsz(now)}
          from verdict v, messages m, conversations c
          where o.id = v.id and v.verdict = 'send' and m.id = o.id and c.id = m.conversation_id
          returning o.id, o.recipient_key, o.body, o.attempts, o.priority, o.not_before, c.id as conversation_id, c.referral_at, c.fep_expires_at
        )
        -- One row even when nothing was claimed, so the caller always learns how many were withdrawn.
        select (select count(*) from withdrawn) as withdrawn, s.*
        from (values (1)) one (x) left join sending s on true`,
  );
  const d = (v: Date | string | null) => (v === null ? null : new Date(v));
  return {
    withdrawn: Number(rows[0]?.withdrawn ?? 0),
    rows: rows
      .filter((r) => r.id !== null)
      .map((r) => ({
        id: r.id!,
        recipientKey: r.recipient_key,
        body: (typeof r.body === 'string' ? JSON.parse(r.body) : r.body) as Record<string, unknown>,
        attempts: Number(r.attempts),
        priority: Number(r.priority),
        notBefore: new Date(r.not_before),
        conversationId: r.conversation_id,
        referralAt: d(r.referral_at),
        fepExpiresAt: d(r.fep_expires_at),
      })),
  };
}

export interface AcceptedItem {
  id: string;
  wamid: string;
}

/**
 * Record accepted sends (batched). Fenced: only rows still carrying `epoch` (not reclaimed by a newer lane owner)
 * change; a status webhook that got there first (reconcileFromStatus) is kept. Returns the rows changed.
 */
export async function markAccepted(db: Db, items: AcceptedItem[], epoch: number, now: Date): Promise<{ id: string; conversationId: string }[]> {
  if (items.length === 0) return [];
  const json = JSON.stringify(items.map((i) => ({ id: i.id, wamid: i.wamid })));
  const rows = await rowsOf<{ id: string; conversation_id: string }>(
    db,
    sql`with v as (select * from jsonb_to_recordset(${json}::jsonb) as v(id uuid, wamid text)),
        o as (
          update outbound_messages o set state = 'accepted', updated_at = ${tsz(now)}
          from v where o.id = v.id and o.epoch = ${epoch} and o.state in ('sending', 'queued')
          returning o.id
        )
        update messages m set wamid = coalesce(m.wamid, v.wamid),
          status = case when m.status = 'queued' then 'accepted' else m.status end
        from v where m.id = v.id and m.id in (select id from o)
        returning m.id, m.conversation_id`,
  );
  return rows.map((r) => ({ id: r.id, conversationId: r.conversation_id }));
}

/** Put a claimed row back (retry later, or a pair-rate deferral that does not count as an attempt). Fenced. */
export async function requeue(
  db: Db,
  id: string,
  epoch: number,
  notBefore: Date,
  now: Date,
  options: { lastError?: unknown; notAnAttempt?: boolean } = {},
): Promise<boolean> {
  const rows = await rowsOf<{ id: string }>(
    db,
    sql`update outbound_messages set state = 'queued', not_before = ${tsz(notBefore)}, updated_at = ${tsz(now)},
          attempts = attempts - ${options.notAnAttempt ? 1 : 0}
          ${options.lastError === undefined ? sql`` : sql`, last_error = ${JSON.stringify(options.lastError)}::jsonb`}
        where id = ${id}::uuid and epoch = ${epoch} and state = 'sending' returning id`,
  );
  return rows.length > 0;
}

/** A final error: outbox failed, message failed with Meta's errors. Fenced. Returns the conversation id when it changed. */
export async function markFailed(db: Db, id: string, epoch: number, error: unknown, now: Date): Promise<string | null> {
  const errJson = JSON.stringify(error);
  const rows = await rowsOf<{ conversation_id: string }>(
    db,
    sql`with o as (
          update outbound_messages set state = 'failed', last_error = ${errJson}::jsonb, updated_at = ${tsz(now)}
          where id = ${id}::uuid and epoch = ${epoch} and state = 'sending' returning id
        )
        update messages set status = 'failed', errors = jsonb_build_array(${errJson}::jsonb), failed_at = ${tsz(now)}
        where id in (select id from o) returning conversation_id`,
  );
  return rows[0]?.conversation_id ?? null;
}

/** Rows left in `sending` by an earlier lane owner (a crash or a lost lease): sent or not, we do not know. */
export async function countInDoubt(db: Db, numberId: string, epoch: number): Promise<number> {
  const rows = await rowsOf<{ n: number | string }>(
    db,
    sql`select count(*) as n from outbound_messages where phone_number_id = ${numberId}::uuid and state = 'sending' and (epoch is null or epoch < ${epoch})`,
  );
  return Number(rows[0]?.n ?? 0);
}

/**
 * What this number recently sent, per recipient, oldest first: the sends a new lane owner must count against
 * the pair rate (a burst the previous owner just made still has to be paid back). `sending` rows count too: they
 * may have gone out. Read once when a lane is acquired; the window is the longest a burst can stay unpaid.
 */
export async function recentSends(db: Db, numberId: string, since: Date): Promise<{ recipientKey: string; at: Date }[]> {
  const rows = await rowsOf<{ recipient_key: string; at: Date | string }>(
    db,
    sql`select recipient_key, updated_at as at from outbound_messages
        where phone_number_id = ${numberId}::uuid and state in ('accepted', 'sending') and updated_at >= ${tsz(since)}
        order by updated_at, id`,
  );
  return rows.map((r) => ({ recipientKey: r.recipient_key, at: new Date(r.at) }));
}

/** After the grace period: rows still in doubt (no status carried our id) go back to the queue for a resend. */
export async function requeueInDoubt(db: Db, numberId: string, epoch: number, now: Date): Promise<number> {
  const rows = await rowsOf<{ id: string }>(
    db,
    sql`update outbound_messages set state = 'queued', not_before = ${tsz(now)}, updated_at = ${tsz(now)}
        where phone_number_id = ${numberId}::uuid and state = 'sending' and (epoch is null or epoch < ${epoch}) returning id`,
  );
  return rows.length;
}

/** Our first reply to an ad referral within 24 h opens a 72 h free-entry-point window (core decides; this stores it). */
export async function openFep(db: Db, conversationId: string, expiresAt: Date): Promise<void> {
  await db.execute(sql`update conversations set fep_expires_at = ${tsz(expiresAt)}
      where id = ${conversationId}::uuid and referral_at is not null
        and (fep_expires_at is null or fep_expires_at - interval '72 hours' < referral_at)`);
}
