import type { Persona } from '../personas/persona.ts';
import type { Bucket } from '../rules/rate-limits.ts';
import { ReachLedger, type Tier } from '../rules/messaging-limit.ts';
import type { Template, TemplateCategory } from '../rules/template-model.ts';
import type { Conversation } from '../rules/window.ts';
import { equivalentWaIds } from '../phone.ts';

export type QualityRating = 'GREEN' | 'YELLOW' | 'RED' | 'NA' | 'UNKNOWN';

export interface BusinessProfile {
  about: string;
  address: string;
  description: string;
  email: string;
  profile_picture_url: string;
  websites: string[];
  vertical: string;
}

export interface PhoneNumber {
  id: string;
  /** Digits only, e.g. 15550101234. */
  displayDigits: string;
  /** As Meta prints it: +1 555-010-1234. */
  displayPhoneNumber: string;
  verifiedName: string;
  callingCode: string;
  qualityRating: QualityRating;
  throughputMps: number;
  status: 'CONNECTED';
  profile: BusinessProfile;
}

export interface Waba {
  id: string;
  businessId: string;
  name: string;
  currency: string;
  timezoneId: string;
  namespace: string;
  tier: Tier;
}

export interface Media {
  id: string;
  phoneNumberId: string;
  mimeType: string;
  bytes: Buffer;
  sha256: string;
  filename?: string;
  createdAt: number;
  deleted: boolean;
}

/** Every message the sandbox knows by wamid, inbound or outbound. */
export interface KnownMessage {
  wamid: string;
  phoneNumberId: string;
  personaId: string | undefined;
  direction: 'in' | 'out';
  type: string;
  at: number;
  read: boolean;
}

/** An accepted send, as the control API reports it. */
export interface AcceptedSend {
  wamid: string;
  phoneNumberId: string;
  /** What the client put in `to`/`recipient`. */
  input: string;
  /** Resolved user key: persona id, or the normalised digits of an unknown number. */
  recipient: string;
  personaId?: string;
  type: string;
  templateName?: string;
  templateLanguage?: string;
  category?: TemplateCategory;
  bizOpaqueCallbackData?: string;
  contextMessageId?: string;
  content: unknown;
  acceptedAt: number;
  /** Current status as reported by webhooks. */
  status: 'accepted' | 'sent' | 'delivered' | 'read' | 'failed';
  errorCode?: number;
}

export interface ReadMark {
  messageId: string;
  phoneNumberId: string;
  typingIndicator: boolean;
  at: number;
}

/** All mutable sandbox state; reset() brings it back to the seeded start. */
export class World {
  waba!: Waba;
  numbers = new Map<string, PhoneNumber>();
  templates = new Map<string, Template>();
  media = new Map<string, Media>();
  personas = new Map<string, Persona>();
  private personaByWaId = new Map<string, Persona>();
  private personaByBsuid = new Map<string, Persona>();
  conversations = new Map<string, Conversation>();
  messages = new Map<string, KnownMessage>();
  sends: AcceptedSend[] = [];
  sendsByWamid = new Map<string, AcceptedSend>();
  countsByRecipient = new Map<string, number>();
  countsByCallbackData = new Map<string, number>();
  reads: ReadMark[] = [];
  throughputBuckets = new Map<string, Bucket>();
  pairBuckets = new Map<string, Bucket>();
  reach = new ReachLedger();
  /** Open CBP / FEP conversations: key → id and end. */
  cbpConversations = new Map<string, { id: string; expiresAt: number }>();
  /** Injected failures for the next N sends. */
  faults: { code: number; remaining: number; details?: string }[] = [];

  addPersona(p: Persona): void {
    this.personas.set(p.id, p);
    this.personaByWaId.set(p.waId, p);
    this.personaByBsuid.set(p.bsuid, p);
  }

  personaByPhone(digits: string): Persona | undefined {
    for (const d of equivalentWaIds(digits)) {
      const p = this.personaByWaId.get(d);
      if (p) return p;
    }
    return undefined;
  }

  personaByUserId(bsuid: string): Persona | undefined {
    return this.personaByBsuid.get(bsuid);
  }

  /** Find a persona by id, wa_id/phone or BSUID (control API convenience). */
  findPersona(ref: string): Persona | undefined {
    return this.personas.get(ref) ?? this.personaByBsuid.get(ref) ?? this.personaByPhone(ref.replace(/\D/g, ''));
  }

  templatesNamed(name: string): Template[] {
    const out: Template[] = [];
    for (const t of this.templates.values()) if (t.name === name && t.status !== 'DELETED') out.push(t);
    return out;
  }

  conversation(phoneNumberId: string, userKey: string): Conversation {
    const key = `${phoneNumberId}:${userKey}`;
    let c = this.conversations.get(key);
    if (!c) {
      c = {};
      this.conversations.set(key, c);
    }
    return c;
  }

  peekConversation(phoneNumberId: string, userKey: string): Conversation | undefined {
    return this.conversations.get(`${phoneNumberId}:${userKey}`);
  }

  recordSend(s: AcceptedSend): void {
    this.sends.push(s);
    this.sendsByWamid.set(s.wamid, s);
    this.countsByRecipient.set(s.recipient, (this.countsByRecipient.get(s.recipient) ?? 0) + 1);
    if (s.bizOpaqueCallbackData !== undefined) {
      const k = s.bizOpaqueCallbackData;
      this.countsByCallbackData.set(k, (this.countsByCallbackData.get(k) ?? 0) + 1);
    }
  }
}
