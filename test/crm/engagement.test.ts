// Engagement roll-ups on contacts (last inbound, template delivered/read, replied) follow the processor on
// both of its paths, come back when a value moves backwards, survive a merge, and always equal a full
// recomputation from conversations and messages — so segment filters over them say what the history says.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { eq, isNotNull, sql } from 'drizzle-orm';
import { describeEachEngine } from '../helpers/store.ts';
import { TestClock } from '../helpers/context.ts';
import { startWebhookApp, type WebhookApp } from '../messaging/helpers/webhook-app.ts';
import { contacts, conversations, messages, phoneNumbers } from '../../src/messaging/schema.ts';
import { refreshEngagement } from '../../src/crm/engagement.ts';
import { mergeContacts } from '../../src/crm/merge.ts';
import { countMatching } from '../../src/crm/segments.ts';
import { envelope, inbound, inboundSamples, status, statusValue } from '../messaging/helpers/inbound-payloads.ts';

const BACKFILL = readFileSync(new URL('../../drizzle/0007_engagement.sql', import.meta.url), 'utf8')
  .split('--> statement-breakpoint')
  .map((s) => s.trim())
  .filter((s) => /^(--[^\n]*\n)*UPDATE "contacts" c SET "last_/.test(s));
const T0 = new Date('2026-11-02T09:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);


describeEachEngine('engagement roll-ups', (engine) => {
  let w: WebhookApp;
  const clock = new TestClock(at(24 * 60).getTime());

  beforeAll(async () => {
    w = await startWebhookApp(engine.store, clock);
  });
  afterAll(() => w.app.close());
  beforeEach(async () => {
    await engine.store.db.execute(sql`truncate outbound_messages, media_files, pending_statuses, messages, conversations, contacts, webhook_events, account_events cascade`);
  });

  const db = () => engine.store.db;

  async function deliver(body: unknown) {
    expect((await w.deliver(body)).statusCode).toBe(200);
  }
  const drain = (batch: boolean) => w.drain({ batch });

  /** A contact with a conversation and one outbound message already accepted by Meta. */
  async function sent(waId: string, type: 'template' | 'text', minutes: number, wamid: string) {
    const [n] = await db().select().from(phoneNumbers);
    let [c] = await db().select().from(contacts).where(eq(contacts.waId, waId));
    c ??= (await db().insert(contacts).values({ waId }).returning())[0]!;
    let [conv] = await db().select().from(conversations).where(eq(conversations.contactId, c.id));
    conv ??= (await db().insert(conversations).values({ phoneNumberId: n!.id, contactId: c.id }).returning())[0]!;
    await db().insert(messages).values({ conversationId: conv.id, direction: 'out', type, content: {}, status: 'accepted', wamid, at: at(minutes) });
    return c.id;
  }

  const ROLL = { id: contacts.id, wa_id: contacts.waId, last_inbound_at: contacts.lastInboundAt, last_template_delivered_at: contacts.lastTemplateDeliveredAt, last_template_read_at: contacts.lastTemplateReadAt, last_replied_at: contacts.lastRepliedAt };
  const rolls = () => db().select(ROLL).from(contacts).where(isNotNull(contacts.waId)).orderBy(contacts.waId);

  for (const batch of [true, false]) {
    it(`follow inbound messages and template statuses (${batch ? 'batch' : 'one-by-one'} path), exactly as a recomputation`, async () => {
      // Ana gets a template, reads it before Meta's "delivered" arrives, then answers.
      await sent('34600000001', 'template', 0, 'wamid.t.ana');
      // Luis gets a plain text (not a template) and writes: no template engagement, no reply to one.
      await sent('34600000002', 'text', 0, 'wamid.x.luis');
      await deliver(envelope(statusValue([status('wamid.t.ana', 'read', at(120)), status('wamid.x.luis', 'read', at(30))])));
      await drain(batch);
      let [ana, luis] = await rolls();
      expect(ana).toMatchObject({ last_template_delivered_at: at(120), last_template_read_at: at(120), last_replied_at: null, last_inbound_at: null });
      expect(luis).toMatchObject({ last_template_delivered_at: null, last_template_read_at: null });

      // The late "delivered" moves the delivered time back to when it happened.
      await deliver(envelope(statusValue([status('wamid.t.ana', 'delivered', at(1))])));
      await deliver(envelope(inbound({ waId: '34600000001', name: 'Ana' }, at(180), inboundSamples.text!, 'wamid.in.ana').value));
      await deliver(envelope(inbound({ waId: '34600000002', name: 'Luis' }, at(200), inboundSamples.text!, 'wamid.in.luis').value));
      // Someone new writes: a contact is created with its first inbound, and no reply (no template before).
      await deliver(envelope(inbound({ waId: '34600000003', name: 'Eva' }, at(210), inboundSamples.text!, 'wamid.in.eva').value));
      await drain(batch);
      const after = await rolls();
      [ana, luis] = after;
      expect(ana).toMatchObject({ last_template_delivered_at: at(1), last_template_read_at: at(120), last_inbound_at: at(180), last_replied_at: at(180) });
      expect(luis).toMatchObject({ last_inbound_at: at(200), last_replied_at: null, last_template_delivered_at: null });
      expect(after[2]).toMatchObject({ wa_id: '34600000003', last_inbound_at: at(210), last_replied_at: null });

      // What the processor kept is what a full recomputation gives.
      await refreshEngagement(db(), 'all');
      expect(await rolls()).toEqual(after);
      // So does migration 0007's backfill on a database that had the history but no roll-ups.
      await db().update(contacts).set({ lastInboundAt: null, lastTemplateDeliveredAt: null, lastTemplateReadAt: null, lastRepliedAt: null });
      expect(BACKFILL).toHaveLength(2);
      for (const statement of BACKFILL) await db().execute(sql.raw(statement));
      expect(await rolls()).toEqual(after);

      // And segments read them.
      const now = clock.now();
      expect(await countMatching(db(), 'engagement.replied within 1d', now)).toBe(1);
      expect(await countMatching(db(), 'engagement.read after 2026-11-02T11:00Z', now)).toBe(0);
      expect(await countMatching(db(), 'engagement.read after 2026-11-02T10:59Z', now)).toBe(1);
      expect(await countMatching(db(), 'last_inbound within 1d', now)).toBe(3);
      expect(await countMatching(db(), 'engagement.delivered never', now)).toBe(2);
    });
  }

  it('a merge gives the survivor both histories and leaves the tombstone with none', async () => {
    const ana = await sent('34600000001', 'template', 0, 'wamid.t.1');
    const dup = await sent('34600000009', 'template', 10, 'wamid.t.2');
    await deliver(envelope(statusValue([status('wamid.t.2', 'read', at(60))])));
    await deliver(envelope(inbound({ waId: '34600000009', name: 'Ana' }, at(90), inboundSamples.text!, 'wamid.in.dup').value));
    await drain(true);
    await db().transaction((tx) => mergeContacts(tx, ana, dup, clock.now()));
    const rows = await db().select(ROLL).from(contacts);
    expect(rows.find((r) => r.id === ana)).toMatchObject({ last_inbound_at: at(90), last_template_delivered_at: at(60), last_template_read_at: at(60), last_replied_at: at(90) });
    expect(rows.find((r) => r.id === dup)).toMatchObject({ last_inbound_at: null, last_template_delivered_at: null, last_template_read_at: null, last_replied_at: null });
  });
});
