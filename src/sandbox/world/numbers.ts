import { type Engine } from '../engine.ts';
import { badParam } from '../errors.ts';
import { TIERS, type Tier, tierCapability } from '../rules/messaging-limit.ts';
import type { PhoneNumber, QualityRating } from './state.ts';

const QUALITIES: QualityRating[] = ['GREEN', 'YELLOW', 'RED', 'NA', 'UNKNOWN'];
const PN_FIELDS = ['id', 'display_phone_number', 'verified_name', 'quality_rating', 'code_verification_status', 'status',
  'name_status', 'platform_type', 'throughput', 'whatsapp_business_manager_messaging_limit', 'messaging_limit_tier',
  'account_mode', 'is_official_business_account', 'last_onboarded_time'];
const PN_DEFAULT_FIELDS = ['verified_name', 'code_verification_status', 'display_phone_number', 'quality_rating', 'platform_type', 'throughput', 'id'];

export function throughputLevel(mps: number): 'STANDARD' | 'HIGH' {
  return mps >= 1000 ? 'HIGH' : 'STANDARD';
}

/** A phone number as GET /{phone_number_id} returns it. */
export function numberView(e: Engine, pn: PhoneNumber, fields?: string[]): Record<string, unknown> {
  const full: Record<string, unknown> = {
    id: pn.id,
    display_phone_number: pn.displayPhoneNumber,
    verified_name: pn.verifiedName,
    quality_rating: pn.qualityRating,
    code_verification_status: 'VERIFIED',
    status: pn.status,
    name_status: 'APPROVED',
    platform_type: 'CLOUD_API',
    throughput: { level: throughputLevel(pn.throughputMps) },
    whatsapp_business_manager_messaging_limit: e.world.waba.tier,
    messaging_limit_tier: e.world.waba.tier,
    account_mode: 'LIVE',
    is_official_business_account: false,
    last_onboarded_time: '2026-01-15T10:00:00+0000',
  };
  const out: Record<string, unknown> = {};
  for (const f of fields && fields.length > 0 ? fields : PN_DEFAULT_FIELDS) {
    if (!PN_FIELDS.includes(f)) throw badParam(`Tried accessing nonexisting field (${f}) on node type (WhatsAppBusinessPhoneNumber)`);
    out[f] = full[f];
  }
  out.id = pn.id;
  return out;
}

export interface NumberSettings {
  throughput_mps?: number;
  quality_rating?: string;
  tier?: string;
}

/** Control API: change a number's throughput/quality or the portfolio tier, emitting the webhooks Meta would. */
export function updateNumber(e: Engine, pn: PhoneNumber, s: NumberSettings): void {
  const time = Math.floor(e.clock.now() / 1000);
  if (s.throughput_mps !== undefined) {
    if (!Number.isInteger(s.throughput_mps) || s.throughput_mps < 1) throw badParam('Param throughput_mps must be a positive integer.');
    const upgraded = throughputLevel(s.throughput_mps) === 'HIGH' && throughputLevel(pn.throughputMps) !== 'HIGH';
    pn.throughputMps = s.throughput_mps;
    e.world.throughputBuckets.delete(pn.id);
    if (upgraded) {
      e.hooks.field('phone_number_quality_update', time, { display_phone_number: pn.displayDigits, event: 'THROUGHPUT_UPGRADE', current_limit: e.world.waba.tier, max_daily_conversations_per_business: tierCapability(e.world.waba.tier) });
    }
  }
  if (s.quality_rating !== undefined) {
    const q = s.quality_rating.toUpperCase() as QualityRating;
    if (!QUALITIES.includes(q)) throw badParam(`Param quality_rating must be one of {${QUALITIES.join(', ')}}.`);
    const before = pn.qualityRating;
    pn.qualityRating = q;
    if (before !== q) {
      // Legacy FLAGGED/UNFLAGGED events: Meta no longer flags, but older clients still expect them.
      const event = q === 'RED' ? 'FLAGGED' : before === 'RED' ? 'UNFLAGGED' : 'QUALITY_UPDATE';
      e.hooks.field('phone_number_quality_update', time, { display_phone_number: pn.displayDigits, event, current_limit: e.world.waba.tier, quality_rating: q });
    }
  }
  if (s.tier !== undefined) setTier(e, s.tier);
}

export function setTier(e: Engine, tierRaw: string): void {
  const tier = tierRaw.toUpperCase() as Tier;
  if (!TIERS.includes(tier)) throw badParam(`Param tier must be one of {${TIERS.join(', ')}}.`);
  const old = e.world.waba.tier;
  if (old === tier) return;
  e.world.waba.tier = tier;
  const time = Math.floor(e.clock.now() / 1000);
  const up = TIERS.indexOf(tier) > TIERS.indexOf(old);
  for (const pn of e.world.numbers.values()) {
    e.hooks.field('phone_number_quality_update', time, {
      display_phone_number: pn.displayDigits, event: up ? 'UPGRADE' : 'DOWNGRADE', current_limit: tier, old_limit: old,
      max_daily_conversations_per_business: tierCapability(tier),
    });
  }
  e.hooks.field('business_capability_update', time, {
    max_daily_conversations_per_business: tierCapability(tier),
    max_phone_numbers_per_business: 20,
    max_phone_numbers_per_waba: 20,
  });
}

