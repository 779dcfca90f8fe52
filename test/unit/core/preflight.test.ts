import { describe, expect, it } from 'vitest';
import { preflight, type PreflightInput } from '../../../src/core/preflight.ts';
import { namedPromo, orderConfirmation, orderSend, otp, text, named } from './fixtures.ts';

const H = 3_600_000;
const NOW = new Date('2026-05-10T12:00:00Z');
const ago = (hours: number) => new Date(NOW.getTime() - hours * H);

const textBody = { messaging_product: 'whatsapp', to: '+34612345678', type: 'text', text: { body: 'Hola' } };
const tplBody = (template: unknown, to: Record<string, unknown> = { to: '+34612345678' }) => ({ messaging_product: 'whatsapp', ...to, type: 'template', template });
const goodOrder = orderSend([text('Ana'), text('2 items'), text('May 2')]);
const goodPromo = {
  name: 'spring_sale',
  language: { code: 'es' },
  components: [
    { type: 'header', parameters: [{ type: 'image', image: { id: '42' } }] },
    { type: 'body', parameters: [named('first_name', 'Ana'), named('discount', '25 %'), named('end_date', '30 de abril')] },
    { type: 'button', sub_type: 'copy_code', index: '0', parameters: [{ type: 'coupon_code', coupon_code: 'SPRING25' }] },
  ],
};

function input(over: Partial<PreflightInput> = {}): PreflightInput {
  return {
    body: textBody,
    conversation: { lastCustomerMessageAt: ago(2) },
    template: null,
    consent: { marketing: 'opted_in' },
    recipient: { phone: '+34612345678', bsuidOnly: false },
    now: NOW,
    ...over,
  };
}

describe('preflight: allowed sends', () => {
  it.each([
    ['free-form inside the window', input(), { kind: 'message', category: 'service', expectedPricing: 'free_customer_service', countsAgainstMessagingLimit: false }],
    ['free-form inside the window and an FEP', input({ conversation: { lastCustomerMessageAt: ago(2), fep: { referralAt: ago(30), firstReplyAt: ago(29) } } }), { kind: 'message', category: 'service', expectedPricing: 'free_entry_point' }],
    ['utility template outside the window', input({ body: tplBody(goodOrder), template: orderConfirmation, conversation: { lastCustomerMessageAt: ago(26) } }), { kind: 'template', category: 'utility', expectedPricing: 'regular', countsAgainstMessagingLimit: true }],
    ['utility template inside the window is free', input({ body: tplBody(goodOrder), template: orderConfirmation }), { kind: 'template', category: 'utility', expectedPricing: 'free_customer_service', countsAgainstMessagingLimit: false }],
    ['marketing template with opt-in', input({ body: tplBody(goodPromo), template: namedPromo, conversation: { lastCustomerMessageAt: null } }), { kind: 'template', category: 'marketing', expectedPricing: 'regular' }],
    ['marketing template inside an FEP after the CSW closed is free', input({ body: tplBody(goodPromo), template: namedPromo, conversation: { lastCustomerMessageAt: ago(30), fep: { referralAt: ago(30), firstReplyAt: ago(29) } } }), { kind: 'template', cswOpen: false, fepOpen: true, expectedPricing: 'free_entry_point' }],
    ['paused template whose pause has ended', input({ body: tplBody(goodOrder), template: { ...orderConfirmation, status: 'PAUSED', pausedUntil: ago(0.1) } }), { kind: 'template' }],
    ['reaction to a recent message', input({ body: { messaging_product: 'whatsapp', to: '+34612345678', type: 'reaction', reaction: { message_id: 'wamid.A', emoji: '👍' } }, target: { at: ago(5), direction: 'inbound', type: 'text' } }), { kind: 'reaction' }],
    ['mark as read needs no window', input({ body: { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.A' }, conversation: { lastCustomerMessageAt: ago(100) }, target: { at: ago(100), direction: 'inbound', type: 'text' } }), { kind: 'mark_read', expectedPricing: 'none' }],
    ['authentication template to a phone', input({ body: tplBody({ name: 'login_code', language: { code: 'en' }, components: [{ type: 'body', parameters: [text('123456')] }, { type: 'button', sub_type: 'url', index: '0', parameters: [text('123456')] }] }), template: otp, consent: { marketing: 'unknown' } }), { kind: 'template', category: 'authentication' }],
    ['utility template to a BSUID-only contact', input({ body: tplBody(goodOrder, { recipient: 'ES.123abc' }), template: orderConfirmation, recipient: { bsuid: 'ES.123abc', bsuidOnly: true } }), { kind: 'template' }],
  ])('%s', (_name, inp, clearance) => {
    const r = preflight(inp);
    expect(r).toEqual({ ok: true, clearance: expect.objectContaining(clearance) });
  });
});

describe('preflight: refusals, in words', () => {
  it.each([
    ['free-form after 26 h', input({ conversation: { lastCustomerMessageAt: ago(26) } }), 'window_closed',
      'The customer last wrote 26 h ago; outside the 24 h window only an approved template can be sent. Choose a template.'],
    ['free-form to someone who never wrote', input({ conversation: { lastCustomerMessageAt: null } }), 'window_closed',
      'The customer has not written to this number yet; only an approved template can start the conversation. Choose a template.'],
    ['free-form in an FEP after the CSW closed (spec §4.2)', input({ conversation: { lastCustomerMessageAt: ago(25), fep: { referralAt: ago(25), firstReplyAt: ago(24.5) } } }), 'window_closed',
      'The customer last wrote 25 h ago; outside the 24 h window only an approved template can be sent. Choose a template.'],
    ['reaction outside the window', input({ body: { messaging_product: 'whatsapp', to: '+34612345678', type: 'reaction', reaction: { message_id: 'w', emoji: '👍' } }, conversation: { lastCustomerMessageAt: ago(48) } }), 'window_closed',
      'The customer last wrote 48 h ago; outside the 24 h window only an approved template can be sent. Choose a template.'],
    ['invalid body', input({ body: { ...textBody, text: { body: 'x'.repeat(4097) } } }), 'invalid_message',
      'The message text has 4097 characters; the limit is 4096. Shorten it by 1.'],
    ['two problems', input({ body: { messaging_product: 'whatsapp', to: '+34612345678', type: 'image', image: { caption: 'x'.repeat(1025) } } }), 'invalid_message',
      'The image needs the uploaded media "id" or a public "link". There is 1 more problem in the details.'],
    ['unknown template', input({ body: tplBody(goodOrder), template: null }), 'template_not_found',
      'There is no template "order_confirmation" in en_US. Sync templates from Meta or choose another template.'],
    ['pending template', input({ body: tplBody(goodOrder), template: { ...orderConfirmation, status: 'PENDING' } }), 'template_not_approved',
      'The template "order_confirmation" is still in review at Meta (this takes up to 24 h); only approved templates can be sent. Wait for the review, or choose an approved template.'],
    ['rejected template', input({ body: tplBody(goodOrder), template: { ...orderConfirmation, status: 'REJECTED' } }), 'template_not_approved',
      'The template "order_confirmation" was rejected by Meta; only approved templates can be sent. Edit it and submit it again, or choose an approved template.'],
    ['paused template', input({ body: tplBody(goodOrder), template: { ...orderConfirmation, status: 'PAUSED', pausedUntil: new Date(NOW.getTime() + 2.5 * H) } }), 'template_paused',
      'The template "order_confirmation" is paused by Meta because of low quality. It resumes in about 2 h 30 min (2026-05-10T14:30:00.000Z). Wait, or choose another template.'],
    ['disabled template', input({ body: tplBody(goodOrder), template: { ...orderConfirmation, status: 'DISABLED' } }), 'template_disabled',
      'The template "order_confirmation" was disabled by Meta after repeated pauses for low quality. Create a new template with different content.'],
    ['wrong parameter count', input({ body: tplBody(orderSend([text('Ana')])), template: orderConfirmation }), 'invalid_template_params',
      'The template body has 3 variables, but 1 value was given.'],
    ['marketing without opt-in', input({ body: tplBody(goodPromo), template: namedPromo, consent: { marketing: 'unknown' } }), 'no_marketing_consent',
      'The customer has not agreed to receive marketing messages. Record their opt-in first, or send a utility template about something they asked for.'],
    ['marketing after opt-out', input({ body: tplBody(goodPromo), template: namedPromo, consent: { marketing: 'opted_out' } }), 'no_marketing_consent',
      'The customer opted out of marketing messages. Do not send marketing to them; use a utility template only for a transaction they started.'],
    ['utility without opt-in when the workspace requires one', input({ body: tplBody(goodOrder), template: orderConfirmation, policy: { utilityRequiresOptIn: true }, consent: { marketing: 'opted_in' } }), 'no_utility_consent',
      'This workspace requires an opt-in for utility messages and the customer has not given one. Record their opt-in first.'],
    ['marketing to a US number (spec §4.8)', input({ body: tplBody(goodPromo, { to: '+16505551234' }), template: namedPromo, recipient: { phone: '+16505551234', bsuidOnly: false } }), 'marketing_not_available',
      'WhatsApp currently does not deliver marketing templates to US numbers. Use a utility template for transactional updates, or another channel.'],
    ['OTP template to a BSUID-only contact (131062)', input({ body: tplBody({ name: 'login_code', language: { code: 'en' }, components: [{ type: 'body', parameters: [text('123456')] }, { type: 'button', sub_type: 'url', index: '0', parameters: [text('123456')] }] }, { recipient: 'ES.1a' }), template: otp, recipient: { bsuid: 'ES.1a', bsuidOnly: true } }), 'bsuid_not_supported',
      'The authentication template "login_code" needs the customer\'s phone number; this contact is known only by a WhatsApp user ID. Add their phone number first.'],
    ['reaction to a 31-day-old message', input({ body: { messaging_product: 'whatsapp', to: '+34612345678', type: 'reaction', reaction: { message_id: 'w', emoji: '👍' } }, target: { at: ago(31 * 24), direction: 'inbound', type: 'text' } }), 'reaction_target_too_old',
      'That message is 31 days old; WhatsApp only accepts reactions to messages from the last 30 days.'],
    ['reaction to a reaction', input({ body: { messaging_product: 'whatsapp', to: '+34612345678', type: 'reaction', reaction: { message_id: 'w', emoji: '👍' } }, target: { at: ago(1), direction: 'inbound', type: 'reaction' } }), 'reaction_target_invalid',
      'You cannot react to a reaction; react to the message itself.'],
    ['mark our own message as read', input({ body: { messaging_product: 'whatsapp', status: 'read', message_id: 'w' }, target: { at: ago(1), direction: 'outbound', type: 'text' } }), 'mark_read_not_inbound',
      'Only messages the customer sent can be marked as read.'],
    ['mark a 40-day-old message as read', input({ body: { messaging_product: 'whatsapp', status: 'read', message_id: 'w' }, target: { at: ago(40 * 24), direction: 'inbound', type: 'text' } }), 'mark_read_too_old',
      'That message is 40 days old; WhatsApp only marks messages from the last 30 days as read.'],
  ])('%s', (_name, inp, code, message) => {
    const r = preflight(inp);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.refusal.code).toBe(code);
      expect(r.refusal.message).toBe(message);
    }
  });

  it('keeps the details a UI or API caller needs', () => {
    const r = preflight(input({ body: tplBody(orderSend([text('Ana')])), template: orderConfirmation }));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.refusal.details.metaCode).toBe(132000);
      expect(r.refusal.details.problems).toEqual([
        expect.objectContaining({ path: 'template.components[1].parameters', code: 'param_count_mismatch' }),
      ]);
    }
    const w = preflight(input({ conversation: { lastCustomerMessageAt: ago(26) } }));
    expect(!w.ok && w.refusal.details).toEqual({
      lastCustomerMessageAt: ago(26).toISOString(),
      windowExpiredAt: ago(2).toISOString(),
      fepOpen: false,
    });
  });
});
