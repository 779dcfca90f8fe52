// The single decision before a message is queued (DESIGN §4 "Outbound"): body limits, window, template status
// and parameters, consent for the category, BSUID support. Pure: every fact comes in, `now` included.
import { customerServiceWindow, formatDuration, freeEntryPointWindow, type FepFacts } from './window.ts';
import { isMarkRead, validateMarkRead, validateOutbound } from './outbound.ts';
import { checkTemplateParams, needsPhoneNumber, type TemplateDefinition, type TemplateParamProblem } from './template-params.ts';
import { countryOfPhone, countryOfBsuid } from './phone.ts';
import type { Problem } from './problems.ts';
import { isRecord } from './problems.ts';

export type TemplateStatus =
  | 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED' | 'IN_APPEAL' | 'PENDING_DELETION' | 'DELETED'
  | 'LIMIT_EXCEEDED' | 'ARCHIVED' | 'LOCKED' | 'FLAGGED';
export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

export interface TemplateFacts extends TemplateDefinition {
  status: TemplateStatus | string;
  category: TemplateCategory | string;
  /** For PAUSED: when Meta unpauses it (3 h or 6 h after the pause). */
  pausedUntil?: Date | null;
}

export type ConsentState = 'opted_in' | 'opted_out' | 'unknown';

export interface PreflightInput {
  /** A Cloud API send body, or a mark-as-read body. */
  body: unknown;
  conversation: {
    lastCustomerMessageAt: Date | null;
    fep?: FepFacts;
  };
  /** The stored template named by a template body (null/absent when not found). */
  template?: TemplateFacts | null;
  consent: {
    marketing: ConsentState;
    utility?: ConsentState;
  };
  policy?: {
    /** Whether utility templates also need an explicit opt-in (default false). */
    utilityRequiresOptIn?: boolean;
  };
  recipient: {
    phone?: string | null;
    bsuid?: string | null;
    /** Known only by BSUID: no phone number on the contact. */
    bsuidOnly: boolean;
  };
  /** The message a reaction or a mark-as-read points at, when we have it. */
  target?: {
    at: Date;
    direction: 'inbound' | 'outbound';
    type: string;
    deleted?: boolean;
  } | null;
  now: Date;
}

export type RefusalCode =
  | 'invalid_message'
  | 'window_closed'
  | 'template_not_found'
  | 'template_not_approved'
  | 'template_paused'
  | 'template_disabled'
  | 'invalid_template_params'
  | 'no_marketing_consent'
  | 'no_utility_consent'
  | 'marketing_not_available'
  | 'bsuid_not_supported'
  | 'reaction_target_invalid'
  | 'reaction_target_too_old'
  | 'mark_read_not_inbound'
  | 'mark_read_too_old';

export interface Refusal {
  code: RefusalCode;
  message: string;
  details: Record<string, unknown>;
}

export type PricingCategory = 'marketing' | 'utility' | 'authentication' | 'service';

export interface Clearance {
  kind: 'message' | 'template' | 'reaction' | 'mark_read';
  /** What Meta will categorise it as (service for non-template messages). */
  category: PricingCategory | null;
  cswOpen: boolean;
  fepOpen: boolean;
  /** Expected charge: none inside an FEP, for non-templates and for utility inside the CSW (spec §5.2). */
  expectedPricing: 'free_customer_service' | 'free_entry_point' | 'regular' | 'none';
  /** Templates outside the CSW count against the portfolio's messaging limit (spec §4.5). */
  countsAgainstMessagingLimit: boolean;
}

export type PreflightResult = { ok: true; clearance: Clearance } | { ok: false; refusal: Refusal };

const DAY_MS = 24 * 60 * 60 * 1000;
const TARGET_MAX_AGE_MS = 30 * DAY_MS;

function refuse(code: RefusalCode, message: string, details: Record<string, unknown> = {}): PreflightResult {
  return { ok: false, refusal: { code, message, details } };
}

function problemsMessage(problems: Problem[]): string {
  const first = problems[0];
  if (!first) return 'The message is not valid.';
  const n = problems.length - 1;
  return n === 0 ? first.message : `${first.message} There ${n === 1 ? 'is' : 'are'} ${n} more problem${n === 1 ? '' : 's'} in the details.`;
}

function hoursAgo(ms: number): number {
  return Math.floor(ms / 3_600_000);
}

/** Countries whose numbers Meta delivers no marketing templates to (spec §4.8). */
export const NO_MARKETING_COUNTRIES: readonly string[] = ['US'];

/** Whether a template of this category may only go to someone who opted in: marketing always, utility when the workspace says so. */
export function optInRequired(category: string, policy: { utilityRequiresOptIn?: boolean } | undefined): boolean {
  const c = category.toUpperCase();
  return c === 'MARKETING' || (c === 'UTILITY' && policy?.utilityRequiresOptIn === true);
}

export function preflight(input: PreflightInput): PreflightResult {
  const { body, now } = input;
  const csw = customerServiceWindow(input.conversation.lastCustomerMessageAt, now);
  const fep = freeEntryPointWindow(input.conversation.fep ?? { referralAt: null, firstReplyAt: null }, now);
  const cswOpen = csw.state === 'open';
  const fepOpen = fep.state === 'open';

  if (isMarkRead(body)) return markRead(input, cswOpen, fepOpen);

  const problems = validateOutbound(body);
  if (problems.length > 0) return refuse('invalid_message', problemsMessage(problems), { problems });
  const msg = body as Record<string, unknown>;
  const type = msg.type as string;

  if (type === 'template') return templateSend(input, msg, cswOpen, fepOpen);

  // Everything but a template needs the customer-service window (spec §4.1); an FEP does not replace it (§4.2).
  if (!cswOpen) {
    const last = input.conversation.lastCustomerMessageAt;
    const message =
      last === null
        ? 'The customer has not written to this number yet; only an approved template can start the conversation. Choose a template.'
        : `The customer last wrote ${hoursAgo(now.getTime() - last.getTime())} h ago; outside the 24 h window only an approved template can be sent. Choose a template.`;
    return refuse('window_closed', message, {
      lastCustomerMessageAt: last?.toISOString() ?? null,
      windowExpiredAt: csw.expiresAt?.toISOString() ?? null,
      fepOpen,
    });
  }

  if (type === 'reaction') {
    const t = input.target;
    if (t) {
      if (t.type === 'reaction' || t.deleted) {
        return refuse(
          'reaction_target_invalid',
          t.deleted ? 'That message was deleted; you cannot react to it.' : 'You cannot react to a reaction; react to the message itself.',
          { targetType: t.type, deleted: t.deleted ?? false },
        );
      }
      const age = now.getTime() - t.at.getTime();
      if (age > TARGET_MAX_AGE_MS) {
        return refuse('reaction_target_too_old', `That message is ${Math.floor(age / DAY_MS)} days old; WhatsApp only accepts reactions to messages from the last 30 days.`, {
          targetAt: t.at.toISOString(),
        });
      }
    }
  }

  return {
    ok: true,
    clearance: {
      kind: type === 'reaction' ? 'reaction' : 'message',
      category: 'service',
      cswOpen,
      fepOpen,
      expectedPricing: fepOpen ? 'free_entry_point' : 'free_customer_service',
      countsAgainstMessagingLimit: false,
    },
  };
}

function markRead(input: PreflightInput, cswOpen: boolean, fepOpen: boolean): PreflightResult {
  const problems = validateMarkRead(input.body);
  if (problems.length > 0) return refuse('invalid_message', problemsMessage(problems), { problems });
  const t = input.target;
  if (t) {
    if (t.direction !== 'inbound') {
      return refuse('mark_read_not_inbound', 'Only messages the customer sent can be marked as read.', { direction: t.direction });
    }
    const age = input.now.getTime() - t.at.getTime();
    if (age > TARGET_MAX_AGE_MS) {
      return refuse('mark_read_too_old', `That message is ${Math.floor(age / DAY_MS)} days old; WhatsApp only marks messages from the last 30 days as read.`, {
        targetAt: t.at.toISOString(),
      });
    }
  }
  return {
    ok: true,
    clearance: { kind: 'mark_read', category: null, cswOpen, fepOpen, expectedPricing: 'none', countsAgainstMessagingLimit: false },
  };
}

// What each non-sendable status means, and what to do about it.
const STATUS_WORDS: Record<string, [what: string, todo: string]> = {
  PENDING: ['is still in review at Meta (this takes up to 24 h)', 'Wait for the review, or choose an approved template.'],
  REJECTED: ['was rejected by Meta', 'Edit it and submit it again, or choose an approved template.'],
  IN_APPEAL: ['is in appeal at Meta', 'Wait for the appeal, or choose an approved template.'],
  PENDING_DELETION: ['is being deleted', 'Choose an approved template.'],
  DELETED: ['was deleted', 'Choose an approved template.'],
  LIMIT_EXCEEDED: ['exceeded a Meta limit', 'Choose an approved template.'],
  ARCHIVED: ['was archived after 12 months without use', 'Unarchive it in WhatsApp Manager, or choose an approved template.'],
  LOCKED: ['is locked by Meta', 'Choose an approved template.'],
  FLAGGED: ['is flagged by Meta', 'Choose an approved template.'],
};

function templateSend(input: PreflightInput, msg: Record<string, unknown>, cswOpen: boolean, fepOpen: boolean): PreflightResult {
  const { now } = input;
  const sent = msg.template as Record<string, unknown>;
  const name = String(sent.name);
  const lang = isRecord(sent.language) ? String(sent.language.code) : '';
  const tpl = input.template;
  if (!tpl || tpl.name !== name || tpl.language !== lang) {
    return refuse('template_not_found', `There is no template "${name}" in ${lang}. Sync templates from Meta or choose another template.`, {
      name,
      language: lang,
      metaCode: 132001,
    });
  }

  const status = tpl.status.toUpperCase();
  if (status === 'PAUSED') {
    const until = tpl.pausedUntil ?? null;
    // Pauses end on their own after 3 h or 6 h (spec §4.3); once past, the stored status is just stale.
    if (until === null || until.getTime() > now.getTime()) {
      const when = until ? ` It resumes in about ${formatDuration(until.getTime() - now.getTime())} (${until.toISOString()}).` : '';
      return refuse('template_paused', `The template "${name}" is paused by Meta because of low quality.${when} Wait, or choose another template.`, {
        status,
        pausedUntil: until?.toISOString() ?? null,
        metaCode: 132015,
      });
    }
  } else if (status === 'DISABLED') {
    return refuse('template_disabled', `The template "${name}" was disabled by Meta after repeated pauses for low quality. Create a new template with different content.`, {
      status,
      metaCode: 132016,
    });
  } else if (status !== 'APPROVED') {
    const [what, todo] = STATUS_WORDS[status] ?? [`is ${status.toLowerCase()}`, 'Choose an approved template.'];
    return refuse('template_not_approved', `The template "${name}" ${what}; only approved templates can be sent. ${todo}`, {
      status,
      metaCode: 132001,
    });
  }

  const paramProblems: TemplateParamProblem[] = checkTemplateParams(sent, tpl);
  if (paramProblems.length > 0) {
    return refuse('invalid_template_params', problemsMessage(paramProblems), {
      problems: paramProblems,
      metaCode: paramProblems[0]?.metaCode,
    });
  }

  const sentToBsuid = (msg.to === undefined || msg.to === null || msg.to === '') && typeof msg.recipient === 'string';
  if ((input.recipient.bsuidOnly || sentToBsuid) && needsPhoneNumber(tpl)) {
    return refuse('bsuid_not_supported', `The authentication template "${name}" needs the customer's phone number; this contact is known only by a WhatsApp user ID. Add their phone number first.`, {
      metaCode: 131062,
    });
  }

  const category = tpl.category.toUpperCase();
  if (category === 'MARKETING') {
    const consent = input.consent.marketing;
    if (consent !== 'opted_in') {
      return refuse(
        'no_marketing_consent',
        consent === 'opted_out'
          ? 'The customer opted out of marketing messages. Do not send marketing to them; use a utility template only for a transaction they started.'
          : 'The customer has not agreed to receive marketing messages. Record their opt-in first, or send a utility template about something they asked for.',
        { consent },
      );
    }
    const country = input.recipient.phone ? countryOfPhone(input.recipient.phone) : input.recipient.bsuid ? countryOfBsuid(input.recipient.bsuid) : undefined;
    if (country !== undefined && NO_MARKETING_COUNTRIES.includes(country)) {
      return refuse('marketing_not_available', 'WhatsApp currently does not deliver marketing templates to US numbers. Use a utility template for transactional updates, or another channel.', {
        country,
      });
    }
  } else if (optInRequired(category, input.policy)) {
    const consent = input.consent.utility ?? 'unknown';
    if (consent !== 'opted_in') {
      return refuse(
        'no_utility_consent',
        consent === 'opted_out'
          ? 'The customer opted out of utility messages from this business. Do not send them templates.'
          : 'This workspace requires an opt-in for utility messages and the customer has not given one. Record their opt-in first.',
        { consent },
      );
    }
  }

  const pricingCategory: PricingCategory = category === 'MARKETING' ? 'marketing' : category === 'AUTHENTICATION' ? 'authentication' : 'utility';
  const expectedPricing = fepOpen
    ? 'free_entry_point'
    : pricingCategory === 'utility' && cswOpen
      ? 'free_customer_service'
      : 'regular';
  return {
    ok: true,
    clearance: {
      kind: 'template',
      category: pricingCategory,
      cswOpen,
      fepOpen,
      expectedPricing,
      countsAgainstMessagingLimit: !cswOpen,
    },
  };
}

