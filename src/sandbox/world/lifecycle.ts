import { randomBytes } from 'node:crypto';
import { type Engine, metadataOf } from '../engine.ts';
import { asyncError } from '../errors.ts';
import type { Persona } from '../personas/persona.ts';
import { onDelivered } from '../personas/behaviour.ts';
import type { InteractiveChoices } from '../rules/interactive.ts';
import { type ConversationInfo, includesConversation, pricingFor } from '../rules/pricing.ts';
import type { Template } from '../rules/template-model.ts';
import { CSW_MS } from '../rules/window.ts';
import { type StatusObject, recipientFields, unixSeconds } from '../webhooks/payloads.ts';
import type { AcceptedSend, PhoneNumber } from './state.ts';

export interface StatusPlan {
  send: AcceptedSend;
  pn: PhoneNumber;
  persona: Persona | undefined;
  digits: string;
  version: string;
  failure: { code: number; details: string } | undefined;
  windowOpen: boolean;
  fepOpen: boolean;
  template: Template | undefined;
  interactive: InteractiveChoices | undefined;
}

const RANK = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 4 } as const;

/** Emit one status webhook for a send and keep the send's current status monotonic. */
export function emitStatus(e: Engine, plan: StatusPlan, status: StatusObject['status'], extra: Partial<StatusObject> = {}): void {
  const { send } = plan;
  if (RANK[status] > RANK[send.status]) send.status = status;
  if (status === 'failed') send.errorCode = extra.errors?.[0]?.code;
  if (status === 'read') {
    const known = e.world.messages.get(send.wamid);
    if (known) known.read = true;
  }
  const obj: StatusObject = {
    id: send.wamid,
    status,
    timestamp: unixSeconds(e.clock.now()),
    ...recipientFields(plan.persona, plan.digits),
    ...extra,
  };
  if (send.bizOpaqueCallbackData !== undefined) obj.biz_opaque_callback_data = send.bizOpaqueCallbackData;
  e.hooks.status(metadataOf(plan.pn), obj);
}

function conversationFor(e: Engine, plan: StatusPlan, now: number, category: string): ConversationInfo {
  if (plan.fepOpen) {
    const c = e.world.peekConversation(plan.pn.id, plan.send.recipient);
    return { id: conversationIdFor(e, plan, 'referral_conversion', c?.fepUntil ?? now), expiration_timestamp: unixSeconds(c?.fepUntil ?? now), origin: { type: 'referral_conversion' } };
  }
  if (e.opts.pricingModel === 'CBP') {
    const key = `${plan.pn.id}:${plan.send.recipient}:${category}`;
    let open = e.world.cbpConversations.get(key);
    if (!open || open.expiresAt <= now) {
      open = { id: randomBytes(16).toString('hex'), expiresAt: now + CSW_MS };
      e.world.cbpConversations.set(key, open);
    }
    return { id: open.id, expiration_timestamp: unixSeconds(open.expiresAt), origin: { type: category } };
  }
  // PMP before v24: a conversation object unique per message.
  return { id: randomBytes(16).toString('hex'), expiration_timestamp: unixSeconds(now + CSW_MS), origin: { type: category } };
}

function conversationIdFor(e: Engine, plan: StatusPlan, kind: string, until: number): string {
  const key = `${plan.pn.id}:${plan.send.recipient}:${kind}:${until}`;
  let open = e.world.cbpConversations.get(key);
  if (!open) {
    open = { id: randomBytes(16).toString('hex'), expiresAt: until };
    e.world.cbpConversations.set(key, open);
  }
  return open.id;
}

/**
 * The asynchronous half of a send: `failed`, or `sent` → `delivered` → `read` on the clock.
 * Pricing rides on `sent` and `delivered` (never on both delivered and read); a reaction only gets `sent`.
 */
export function scheduleStatuses(e: Engine, plan: StatusPlan): void {
  const { delays } = e.opts;
  const now = e.clock.now();
  if (plan.failure) {
    const { code, details } = plan.failure;
    e.clock.schedule(now + delays.sentMs, () => emitStatus(e, plan, 'failed', { errors: [asyncError(code, details)] }));
    return;
  }
  const pricing = pricingFor({
    model: e.opts.pricingModel,
    templateCategory: plan.template?.category,
    windowOpen: plan.windowOpen,
    fepOpen: plan.fepOpen,
  });
  const withConversation = includesConversation(e.opts.pricingModel, plan.version, plan.fepOpen);
  let conversation: ConversationInfo | undefined;
  e.clock.schedule(now + delays.sentMs, () => {
    if (withConversation) conversation = conversationFor(e, plan, e.clock.now(), pricing.category);
    emitStatus(e, plan, 'sent', conversation ? { conversation, pricing } : { pricing });
  });
  if (plan.send.type === 'reaction') return;
  e.clock.schedule(now + Math.max(delays.sentMs, delays.deliveredMs), () => {
    if (plan.persona?.blocked) return;
    const conv = conversation ? { id: conversation.id, origin: conversation.origin } : undefined;
    emitStatus(e, plan, 'delivered', conv ? { conversation: conv, pricing } : { pricing });
    const readLater = (at: number): void =>
      e.clock.schedule(at, () => emitStatus(e, plan, 'read', conv ? { conversation: conv } : {}));
    if (e.opts.personas.autonomous && plan.persona) onDelivered(e, plan, readLater);
    else readLater(e.clock.now() + Math.max(0, delays.readMs - delays.deliveredMs));
  });
}
