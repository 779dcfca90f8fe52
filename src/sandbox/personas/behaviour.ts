import type { Engine } from '../engine.ts';
import type { StatusPlan } from '../world/lifecycle.ts';
import { customerSends } from '../world/inbound.ts';
import { FIRST_MESSAGES, OPT_OUT_WORDS, REPLIES } from './catalog.ts';
import type { Persona } from './persona.ts';
import { buttonsOf } from '../rules/template-model.ts';

/**
 * Autonomous customers (off by default; on in the demo). Each decision is drawn from the
 * seeded random source so a run with the same seed and inputs behaves the same.
 */
export function onDelivered(e: Engine, plan: StatusPlan, readAt: (at: number) => void): void {
  const persona = plan.persona;
  if (!persona) return;
  const { rng } = e;
  if (!rng.chance(persona.readRate)) return; // left unread
  const now = e.clock.now();
  const readTime = now + Math.round(e.opts.delays.readMs * (0.5 + rng.next() * 2));
  readAt(readTime);
  const replyAt = readTime + rng.int(2_000, 60_000);
  e.clock.schedule(replyAt, () => safely(e, () => respond(e, plan, persona)));
}

function respond(e: Engine, plan: StatusPlan, persona: Persona): void {
  const { rng } = e;
  if (persona.blocked) return;
  const tpl = plan.template;
  if (tpl?.category === 'MARKETING' && rng.chance(0.04)) {
    customerSends(e, persona, plan.pn, { type: 'text', text: { body: OPT_OUT_WORDS[persona.lang] } });
    return;
  }
  if (rng.chance(0.005)) {
    persona.blocked = true;
    return;
  }
  if (!rng.chance(persona.replyRate)) return;
  const context = { message_id: plan.send.wamid };
  const choices = plan.interactive;
  if (choices?.kind === 'button' && choices.buttons.length > 0) {
    const b = rng.pick(choices.buttons);
    customerSends(e, persona, plan.pn, { type: 'interactive', context, interactive: { type: 'button_reply', button_reply: b } });
    return;
  }
  if (choices?.kind === 'list' && choices.rows.length > 0) {
    const r = rng.pick(choices.rows);
    customerSends(e, persona, plan.pn, { type: 'interactive', context, interactive: { type: 'list_reply', list_reply: r } });
    return;
  }
  const quick = tpl ? buttonsOf(tpl).filter((b) => b.type === 'QUICK_REPLY') : [];
  if (quick.length > 0) {
    const b = rng.pick(quick);
    customerSends(e, persona, plan.pn, { type: 'button', context, button: { text: b.text ?? '', payload: b.text ?? '' } });
    return;
  }
  customerSends(e, persona, plan.pn, { type: 'text', text: { body: rng.pick(REPLIES[persona.lang]) } });
}

/** Spontaneous new conversations, spaced around `activityIntervalMs` of clock time. */
export function startAutonomy(e: Engine): void {
  const next = (): void => {
    const gap = Math.round(e.opts.personas.activityIntervalMs * (0.5 + e.rng.next()));
    e.clock.schedule(e.clock.now() + gap, () => {
      if (!e.opts.personas.autonomous) return;
      safely(e, () => writeIn(e));
      next();
    });
  };
  next();
}

function writeIn(e: Engine): void {
  const personas = [...e.world.personas.values()].filter((p) => !p.blocked);
  const numbers = [...e.world.numbers.values()];
  if (personas.length === 0 || numbers.length === 0) return;
  const { rng } = e;
  const persona = rng.pick(personas);
  const pn = rng.pick(numbers);
  const roll = rng.next();
  if (roll < 0.08) {
    customerSends(e, persona, pn, {
      type: 'text',
      text: { body: rng.pick(FIRST_MESSAGES[persona.lang]) },
      referral: {
        source_url: 'https://fb.me/sandbox-ad', source_id: '120200000000000', source_type: 'ad',
        headline: 'Spring sale', body: 'Chat with us on WhatsApp', media_type: 'image',
        image_url: 'https://example.com/ad.jpg', ctwa_clid: `ARA${rng.digits(12)}`,
      },
    });
  } else if (roll < 0.14) {
    customerSends(e, persona, pn, { type: 'image', image: { caption: persona.lang === 'en' ? 'This one' : 'Este' } });
  } else if (roll < 0.17) {
    customerSends(e, persona, pn, { type: 'location', location: { latitude: 40.4168, longitude: -3.7038, name: 'Puerta del Sol' } });
  } else if (roll < 0.2) {
    customerSends(e, persona, pn, { type: 'audio', audio: { voice: true } });
  } else {
    customerSends(e, persona, pn, { type: 'text', text: { body: rng.pick(FIRST_MESSAGES[persona.lang]) } });
  }
}

function safely(e: Engine, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    e.log.debug({ err: (err as Error).message }, 'persona action skipped');
  }
}
