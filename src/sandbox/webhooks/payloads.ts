import type { AsyncError } from '../errors.ts';
import type { Persona } from '../personas/persona.ts';
import type { ConversationInfo, Pricing } from '../rules/pricing.ts';

/** Builders for the webhook objects of spec §3. Plain data, no I/O. */
export interface StatusObject {
  id: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  timestamp: string;
  recipient_id: string;
  recipient_user_id?: string;
  biz_opaque_callback_data?: string;
  conversation?: ConversationInfo;
  pricing?: Pricing;
  errors?: AsyncError[];
}

export interface ContactObject {
  profile: { name: string; username?: string; country_code?: string };
  wa_id?: string;
  user_id?: string;
}

export type InboundMessageObject = Record<string, unknown> & {
  from: string;
  id: string;
  timestamp: string;
  type: string;
};

export const unixSeconds = (ms: number): string => String(Math.floor(ms / 1000));

/** Users with a username are known to the business by BSUID; their phone is left out. */
export function phoneVisible(p: Persona | undefined): boolean {
  return p === undefined || p.username === undefined;
}

export function contactFor(p: Persona): ContactObject {
  if (p.username !== undefined) {
    return { profile: { name: p.name, username: p.username, country_code: p.country }, user_id: p.bsuid };
  }
  return { profile: { name: p.name }, wa_id: p.waId, user_id: p.bsuid };
}

/** Recipient fields of a status for a persona (or for a bare number nobody answers on). */
export function recipientFields(p: Persona | undefined, digits: string): Pick<StatusObject, 'recipient_id' | 'recipient_user_id'> {
  if (!p) return { recipient_id: digits };
  if (p.username !== undefined) return { recipient_id: '', recipient_user_id: p.bsuid };
  return { recipient_id: p.waId, recipient_user_id: p.bsuid };
}

export function senderFields(p: Persona): { from: string; from_user_id: string } {
  return { from: p.username !== undefined ? '' : p.waId, from_user_id: p.bsuid };
}

/** `message_template_language` uses a hyphen: en_US → en-US. */
export function webhookLanguage(code: string): string {
  return code.replace('_', '-');
}
