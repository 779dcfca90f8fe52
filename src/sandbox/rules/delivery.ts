import type { TemplateCategory } from './template-model.ts';

/** Facts about an accepted message that decide whether it can be delivered. */
export interface DeliveryFacts {
  recipientExists: boolean;
  recipientBlockedBusiness: boolean;
  isTemplate: boolean;
  templateCategory: TemplateCategory | undefined;
  windowOpen: boolean;
  optedOutOfMarketing: boolean;
  /** The portfolio's messaging limit has no room for this (new) user. */
  overMessagingLimit: boolean;
  /** For reactions: whether the target message is known, recent and not a reaction. */
  reactionTargetValid: boolean | undefined;
}

/**
 * Error code of the `failed` status a message gets after a 200, or undefined when it will be
 * delivered. Order matters: an unreachable user fails before any policy check.
 */
export function failureCode(f: DeliveryFacts): number | undefined {
  if (!f.recipientExists || f.recipientBlockedBusiness) return 131026;
  if (f.reactionTargetValid === false) return 131009;
  if (!f.isTemplate && !f.windowOpen) return 131047;
  if (f.isTemplate && f.templateCategory === 'MARKETING' && f.optedOutOfMarketing) return 131050;
  // No documented code exists for the messaging limit; 131048 (spam rate limit) is our stand-in.
  if (f.overMessagingLimit) return 131048;
  return undefined;
}

export const FAILURE_DETAILS: Record<number, string> = {
  131026: 'Message Undeliverable.',
  131009: 'Reaction target message is unknown, too old, deleted or itself a reaction.',
  131047: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
  131050: 'The recipient has stopped marketing messages from this business.',
  131048: 'Message failed to send because the business reached its messaging limit for unique users in 24 hours.',
};
