import type { Random } from '../random.ts';
import { FIRST_NAMES, LAST_NAMES, MARKETS } from './catalog.ts';

/** A simulated WhatsApp user. */
export interface Persona {
  id: string;
  name: string;
  lang: 'es' | 'en' | 'pt';
  country: string;
  waId: string;
  /** Set for users with a WhatsApp username: their webhooks carry the BSUID instead of the phone. */
  username?: string;
  /** Business-scoped user id within the sandbox's single portfolio. */
  bsuid: string;
  blocked: boolean;
  optedOutOfMarketing: boolean;
  /** Behaviour when autonomous: probabilities per received message. */
  readRate: number;
  replyRate: number;
}

function slug(s: string): string {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z]/g, '');
}

/** Deterministic population: the same seed and count give the same people. */
export function generatePersonas(rng: Random, count: number, usernameShare: number): Persona[] {
  const out: Persona[] = [];
  const used = new Set<string>();
  for (let i = 0; i < count; i++) {
    const market = MARKETS[i % MARKETS.length] ?? MARKETS[0];
    if (!market) break;
    let waId = market.waId(rng.digits);
    while (used.has(waId)) waId = market.waId(rng.digits);
    used.add(waId);
    const first = rng.pick(FIRST_NAMES[market.lang]);
    const last = rng.pick(LAST_NAMES[market.lang]);
    const p: Persona = {
      id: `p${String(i + 1).padStart(3, '0')}`,
      name: `${first} ${last}`,
      lang: market.lang,
      country: market.country,
      waId,
      bsuid: `${market.country}.${rng.digits(19)}`,
      blocked: false,
      optedOutOfMarketing: false,
      readRate: 0.6 + rng.next() * 0.4,
      replyRate: 0.2 + rng.next() * 0.5,
    };
    if (rng.chance(usernameShare)) p.username = `${slug(first)}.${slug(last)}${rng.int(1, 99)}`;
    out.push(p);
  }
  return out;
}
