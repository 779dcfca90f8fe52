import type { Engine } from './engine.ts';
import { GraphError, badParam } from './errors.ts';
import { startAutonomy } from './personas/behaviour.ts';
import type { Persona } from './personas/persona.ts';
import { isBsuid } from './phone.ts';
import { createRandom } from './random.ts';
import { type Json, isObject } from './rules/fields.ts';
import { tierLimit } from './rules/messaging-limit.ts';
import type { TemplateStatus } from './rules/template-model.ts';
import { isWindowOpen, windowExpiresAt } from './rules/window.ts';
import type { DispatcherStats } from './webhooks/dispatcher.ts';
import { customerSends, type InboundResult } from './world/inbound.ts';
import { type NumberSettings, numberView, setTier, throughputLevel, updateNumber } from './world/numbers.ts';
import { seedWorld } from './world/seed.ts';
import type { AcceptedSend, PhoneNumber } from './world/state.ts';
import { setTemplateStatus, templateView } from './world/templates.ts';

export interface SandboxConfig {
  baseUrl: string;
  apiVersion: string;
  graphUrl: string;
  accessToken: string;
  appSecret: string;
  verifyToken: string;
  callbackUrl: string | null;
  pricingModel: string;
  clock: { mode: string; now: number; iso: string };
  business: { id: string };
  waba: { id: string; name: string; currency: string; timezone_id: string; message_template_namespace: string; messaging_limit: string };
  phoneNumbers: (Record<string, unknown> & { id: string; display_phone_number: string; throughput_mps: number })[];
}

export interface SendsQuery {
  recipient?: string;
  bizOpaqueCallbackData?: string;
  limit?: number;
  offset?: number;
}

/** Control operations, shared by the /_sandbox HTTP API and programmatic callers. */
export class SandboxControl {
  constructor(
    private readonly e: Engine,
    private readonly hooksVerify: () => Promise<boolean>,
  ) {}

  private number(id: string | undefined): PhoneNumber {
    const numbers = [...this.e.world.numbers.values()];
    const pn = id === undefined ? numbers[0] : this.e.world.numbers.get(id) ?? numbers.find((n) => n.displayDigits === id.replace(/\D/g, ''));
    if (!pn) throw badParam(`Unknown phone_number_id ${id ?? ''}.`);
    return pn;
  }

  private personaRef(ref: string): Persona {
    const p = this.e.world.findPersona(ref);
    if (!p) throw new GraphError(100, `Unknown persona ${ref}.`, { httpStatus: 404 });
    return p;
  }

  config(): SandboxConfig {
    const { e } = this;
    const w = e.world;
    const now = e.clock.now();
    return {
      baseUrl: e.baseUrl(),
      apiVersion: e.opts.apiVersion,
      graphUrl: `${e.baseUrl()}/${e.opts.apiVersion}`,
      accessToken: e.opts.accessToken,
      appSecret: e.opts.appSecret,
      verifyToken: e.target.verifyToken,
      callbackUrl: e.target.callbackUrl ?? null,
      pricingModel: e.opts.pricingModel,
      clock: { mode: e.clock.mode, now, iso: new Date(now).toISOString() },
      business: { id: w.waba.businessId },
      waba: {
        id: w.waba.id, name: w.waba.name, currency: w.waba.currency, timezone_id: w.waba.timezoneId,
        message_template_namespace: w.waba.namespace, messaging_limit: w.waba.tier,
      },
      phoneNumbers: [...w.numbers.values()].map((pn) => ({
        ...numberView(e, pn, ['id', 'display_phone_number', 'verified_name', 'quality_rating', 'throughput', 'whatsapp_business_manager_messaging_limit', 'status']),
        id: pn.id,
        display_phone_number: pn.displayPhoneNumber,
        display_digits: pn.displayDigits,
        throughput_mps: pn.throughputMps,
      })),
    };
  }

  async setWebhook(callbackUrl: string, verifyToken?: string): Promise<boolean> {
    try {
      new URL(callbackUrl);
    } catch {
      throw badParam('Param callback_url must be a URL.');
    }
    this.e.target.callbackUrl = callbackUrl;
    if (verifyToken !== undefined) this.e.target.verifyToken = verifyToken;
    return this.hooksVerify();
  }

  verifyWebhook(): Promise<boolean> {
    return this.hooksVerify();
  }

  webhookStats(): DispatcherStats {
    return this.e.hooks.snapshot();
  }

  personaView(p: Persona): Record<string, unknown> {
    const now = this.e.clock.now();
    const windows: Record<string, unknown> = {};
    for (const pn of this.e.world.numbers.values()) {
      const c = this.e.world.peekConversation(pn.id, p.id);
      if (c?.lastInboundAt !== undefined) {
        windows[pn.id] = { open: isWindowOpen(c, now), expires_at: windowExpiresAt(c) };
      }
    }
    return {
      id: p.id, name: p.name, lang: p.lang, country: p.country, wa_id: p.waId, bsuid: p.bsuid,
      username: p.username ?? null, phone_hidden: p.username !== undefined,
      blocked: p.blocked, opted_out_marketing: p.optedOutOfMarketing, windows,
    };
  }

  personas(limit?: number): Record<string, unknown>[] {
    const all = [...this.e.world.personas.values()];
    return (limit ? all.slice(0, limit) : all).map((p) => this.personaView(p));
  }

  persona(ref: string): Record<string, unknown> {
    return this.personaView(this.personaRef(ref));
  }

  /** Add a customer with a chosen number/name (e.g. to match an app fixture). */
  addPersona(b: Json): Record<string, unknown> {
    const waId = typeof b.wa_id === 'string' ? b.wa_id.replace(/\D/g, '') : '';
    if (waId.length < 7 || waId.length > 15) throw new GraphError(131008, 'The parameter wa_id is required (7–15 digits).');
    if (this.e.world.personaByPhone(waId)) throw badParam(`A persona with wa_id ${waId} already exists.`);
    const country = typeof b.country === 'string' ? b.country.toUpperCase() : 'US';
    const bsuid = typeof b.bsuid === 'string' ? b.bsuid : `${country}.${this.e.rng.digits(19)}`;
    if (!isBsuid(bsuid)) throw badParam('Param bsuid must look like CC.digits.');
    const p: Persona = {
      id: `p${String(this.e.world.personas.size + 1).padStart(3, '0')}`,
      name: typeof b.name === 'string' ? b.name : 'Sandbox Customer',
      lang: b.lang === 'en' || b.lang === 'pt' ? b.lang : 'es',
      country,
      waId,
      bsuid,
      blocked: false,
      optedOutOfMarketing: false,
      readRate: 1,
      replyRate: 0.5,
    };
    while (this.e.world.personas.has(p.id)) p.id = `p${this.e.rng.digits(6)}`;
    if (typeof b.username === 'string' && b.username !== '') p.username = b.username;
    this.e.world.addPersona(p);
    return this.personaView(p);
  }

  customerSends(ref: string, input: Json): InboundResult {
    const persona = this.personaRef(ref);
    const pn = this.number(typeof input.phone_number_id === 'string' ? input.phone_number_id : undefined);
    return customerSends(this.e, persona, pn, input);
  }

  personaAction(ref: string, action: string): Record<string, unknown> {
    const p = this.personaRef(ref);
    switch (action) {
      case 'block':
        p.blocked = true;
        break;
      case 'unblock':
        p.blocked = false;
        break;
      case 'opt_out':
        p.optedOutOfMarketing = true;
        break;
      case 'opt_in':
        p.optedOutOfMarketing = false;
        break;
      default:
        throw badParam('Param action must be one of {block, unblock, opt_out, opt_in}.');
    }
    return this.personaView(p);
  }

  clock(): { mode: string; now: number; iso: string; pending_tasks: number } {
    const now = this.e.clock.now();
    return { mode: this.e.clock.mode, now, iso: new Date(now).toISOString(), pending_tasks: this.e.clock.pending() };
  }

  advanceClock(ms: number): ReturnType<SandboxControl['clock']> {
    this.e.clock.advance(ms);
    return this.clock();
  }

  setClock(at: number): ReturnType<SandboxControl['clock']> {
    this.e.clock.set(at);
    return this.clock();
  }

  sends(q: SendsQuery = {}): {
    total: number;
    by_recipient: Record<string, number>;
    by_callback_data: Record<string, number>;
    data: AcceptedSend[];
  } {
    const w = this.e.world;
    let list = w.sends;
    if (q.recipient) {
      const key = w.findPersona(q.recipient)?.id ?? q.recipient;
      list = list.filter((s) => s.recipient === key || s.input === q.recipient);
    }
    if (q.bizOpaqueCallbackData) list = list.filter((s) => s.bizOpaqueCallbackData === q.bizOpaqueCallbackData);
    const offset = Math.max(0, q.offset ?? 0);
    const limit = Math.max(0, Math.min(q.limit ?? 100, 10_000));
    return {
      total: w.sends.length,
      by_recipient: Object.fromEntries(w.countsByRecipient),
      by_callback_data: Object.fromEntries(w.countsByCallbackData),
      data: list.slice(offset, offset + limit),
    };
  }

  reads(): unknown[] {
    return this.e.world.reads;
  }

  updateNumber(id: string, s: NumberSettings): Record<string, unknown> {
    const pn = this.number(id);
    updateNumber(this.e, pn, s);
    return { ...numberView(this.e, pn, ['id', 'display_phone_number', 'quality_rating', 'throughput', 'whatsapp_business_manager_messaging_limit']), throughput_mps: pn.throughputMps, level: throughputLevel(pn.throughputMps) };
  }

  setTier(tier: string): { tier: string; limit: number | null } {
    setTier(this.e, tier);
    const limit = tierLimit(this.e.world.waba.tier);
    return { tier: this.e.world.waba.tier, limit: Number.isFinite(limit) ? limit : null };
  }

  /** By template id, or "name:language". */
  setTemplateStatus(ref: string, status: TemplateStatus, reason?: string): Record<string, unknown> {
    const w = this.e.world;
    const [name, lang] = ref.split(':');
    const tpl = w.templates.get(ref) ?? [...w.templates.values()].find((t) => t.name === name && (lang === undefined || t.language === lang));
    if (!tpl) throw new GraphError(100, `Unknown template ${ref}.`, { httpStatus: 404 });
    return templateView(setTemplateStatus(this.e, tpl, status, reason));
  }

  failNext(count: number, code: number, details?: string): { data: unknown[] } {
    if (!Number.isInteger(count) || count < 1) throw badParam('Param count must be a positive integer.');
    this.e.world.faults.push(details === undefined ? { code, remaining: count } : { code, remaining: count, details });
    return { data: this.faults() };
  }

  faults(): unknown[] {
    return this.e.world.faults.map((f) => ({ ...f }));
  }

  clearFaults(): { success: true } {
    this.e.world.faults = [];
    return { success: true };
  }

  setAutonomy(enabled: boolean): { autonomous: boolean } {
    const was = this.e.opts.personas.autonomous;
    this.e.opts.personas.autonomous = enabled;
    if (enabled && !was) startAutonomy(this.e);
    return { autonomous: enabled };
  }

  /** Back to the seeded start: same ids, personas and templates; clock and webhooks emptied. */
  reset(): { success: true } {
    const { e } = this;
    e.clock.clear();
    e.hooks.clear();
    e.rng = createRandom(e.opts.seed);
    e.world = seedWorld(e.opts, e.rng, e.clock.now());
    if (e.opts.personas.autonomous) startAutonomy(e);
    return { success: true };
  }
}

export function isJsonObject(v: unknown): v is Json {
  return isObject(v);
}
