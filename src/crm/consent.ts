import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../store/connection.ts';
import { DEFAULT_CONSENT_KEYWORDS, keywordTextOf, matchConsentKeyword, type ConsentCategory, type ConsentKeywords, type ConsentSource, type ConsentState } from '../core/consent.ts';
import { consentEvents, consents } from './schema.ts';
import { settings } from '../store/schema.ts';

export interface ConsentRecord {
  contactId: string;
  category: ConsentCategory;
  state: Exclude<ConsentState, 'unknown'>;
  source: ConsentSource;
  evidence?: string | null;
  recordedBy?: string | null;
  messageId?: string | null;
  at: Date;
}

/**
 * Record a consent change with its evidence. The history keeps every record; the current state
 * takes the latest by time, so an import of old evidence never overrides a newer opt-out.
 */
export async function recordConsent(db: Db, r: ConsentRecord): Promise<void> {
  await db.insert(consentEvents).values({
    contactId: r.contactId,
    category: r.category,
    state: r.state,
    source: r.source,
    evidence: r.evidence ?? null,
    recordedBy: r.recordedBy ?? null,
    messageId: r.messageId ?? null,
    at: r.at,
  });
  await db
    .insert(consents)
    .values({ contactId: r.contactId, category: r.category, state: r.state, at: r.at })
    .onConflictDoUpdate({
      target: [consents.contactId, consents.category],
      set: { state: sql`excluded.state`, at: sql`excluded.at` },
      setWhere: sql`${consents.at} <= excluded.at`,
    });
}

export async function consentOf(db: Db, contactId: string): Promise<Record<ConsentCategory, ConsentState>> {
  const rows = await db.select().from(consents).where(eq(consents.contactId, contactId));
  const state = (c: ConsentCategory): ConsentState => (rows.find((r) => r.category === c)?.state as ConsentState | undefined) ?? 'unknown';
  return { marketing: state('marketing'), utility: state('utility'), authentication: state('authentication') };
}

export async function consentHistory(db: Db, contactId: string, category?: ConsentCategory) {
  return db
    .select()
    .from(consentEvents)
    .where(category ? and(eq(consentEvents.contactId, contactId), eq(consentEvents.category, category)) : eq(consentEvents.contactId, contactId))
    .orderBy(sql`${consentEvents.at} desc`);
}

const KEYWORDS_KEY = 'consent.keywords';

export async function consentKeywords(db: Db): Promise<ConsentKeywords> {
  const [row] = await db.select().from(settings).where(eq(settings.key, KEYWORDS_KEY));
  return row ? { ...DEFAULT_CONSENT_KEYWORDS, ...(row.value as Partial<ConsentKeywords>) } : DEFAULT_CONSENT_KEYWORDS;
}

export async function setConsentKeywords(db: Db, value: ConsentKeywords, now: Date): Promise<void> {
  await db.insert(settings).values({ key: KEYWORDS_KEY, value, updatedAt: now }).onConflictDoUpdate({ target: settings.key, set: { value, updatedAt: now } });
}

export interface KeywordCandidate {
  messageId: string;
  contactId: string;
  conversationId: string;
  message: Record<string, unknown>;
  at: Date;
}

/**
 * Opt-out / opt-in keywords in inbound messages change marketing consent at once, in the same
 * transaction as the message itself, so no later campaign send can slip through.
 */
export async function applyConsentKeywords(db: Db, items: KeywordCandidate[]): Promise<{ contactId: string; conversationId: string; kind: 'opt_out' | 'opt_in' }[]> {
  const texts = items.map((i) => ({ item: i, text: keywordTextOf(i.message) })).filter((x) => x.text !== null);
  if (texts.length === 0) return [];
  const keywords = await consentKeywords(db);
  const changed: { contactId: string; conversationId: string; kind: 'opt_out' | 'opt_in' }[] = [];
  for (const { item, text } of texts) {
    const kind = matchConsentKeyword(text, keywords);
    if (!kind) continue;
    await recordConsent(db, {
      contactId: item.contactId,
      category: 'marketing',
      state: kind === 'opt_out' ? 'opted_out' : 'opted_in',
      source: 'chat_keyword',
      evidence: text,
      recordedBy: 'customer',
      messageId: item.messageId,
      at: item.at,
    });
    changed.push({ contactId: item.contactId, conversationId: item.conversationId, kind });
  }
  return changed;
}
