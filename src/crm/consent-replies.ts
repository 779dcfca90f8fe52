import { eq } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { confirmationFor } from '../core/consent.ts';
import { contacts, conversations } from '../messaging/schema.ts';
import { enqueueMessage } from '../messaging/outbox.ts';
import { consentKeywords } from './consent.ts';

const SPANISH = new Set(['ES', 'MX', 'AR', 'CO', 'CL', 'PE', 'VE', 'EC', 'GT', 'CU', 'BO', 'DO', 'HN', 'PY', 'SV', 'NI', 'CR', 'PA', 'UY', 'PR', 'GQ']);

/** The language to answer in: the contact's own, else the one their country speaks. */
export function languageOf(contact: { preferredLanguage: string | null; country: string | null }): string {
  if (contact.preferredLanguage) return contact.preferredLanguage;
  if (contact.country === 'BR' || contact.country === 'PT') return 'pt';
  return contact.country && SPANISH.has(contact.country) ? 'es' : 'en';
}

/**
 * After an opt-out/opt-in keyword, confirm it in the chat (the customer just wrote, so the window is
 * open). The consent change itself is already committed with the message; this reply is a courtesy
 * and a failure here is only logged.
 */
export function confirmConsentKeywords(ctx: AppContext, wake: () => void): () => void {
  return ctx.events.on('consent.keyword', (e) => {
    void (async () => {
      const [conv] = await ctx.store.db.select().from(conversations).where(eq(conversations.id, e.conversationId));
      const [contact] = await ctx.store.db.select().from(contacts).where(eq(contacts.id, e.contactId));
      if (!conv || !contact) return;
      const text = confirmationFor(await consentKeywords(ctx.store.db), e.kind, languageOf(contact));
      if (!text) return;
      await enqueueMessage(ctx, { phoneNumberId: conv.phoneNumberId, contactId: contact.id, body: { type: 'text', text: { body: text } } }, { wake });
    })().catch((err: unknown) => ctx.logger.warn({ err, contactId: e.contactId }, 'consent confirmation not sent'));
  });
}
