import { generatePersonas } from '../personas/persona.ts';
import type { Random } from '../random.ts';
import type { SandboxOptions } from '../options.ts';
import { numericId } from '../ids.ts';
import { seedTemplates } from './seed-templates.ts';
import { type PhoneNumber, World } from './state.ts';

const VERIFIED_NAMES = ['Charla Demo', 'Charla Soporte', 'Charla Ventas', 'Charla Reservas'];

function formatDisplay(digits: string): string {
  // US test numbers: +1 555-0xx-xxxx
  return `+${digits[0]} ${digits.slice(1, 4)}-${digits.slice(4, 7)}-${digits.slice(7)}`;
}

/** Build the starting world from the seed: one portfolio, one WABA, its numbers, personas, templates. */
export function seedWorld(opts: SandboxOptions, rng: Random, now: number): World {
  const w = new World();
  w.waba = {
    id: numericId(rng, 15),
    businessId: numericId(rng, 15),
    name: 'Charla Sandbox WABA',
    currency: 'USD',
    timezoneId: '1',
    namespace: `${rng.digits(8)}_${rng.digits(4)}_${rng.digits(4)}`,
    tier: opts.tier,
  };
  for (let i = 0; i < opts.numbers; i++) {
    const digits = `1555010${String(1000 + i * 111 + rng.int(0, 99)).padStart(4, '0')}`.slice(0, 11);
    const pn: PhoneNumber = {
      id: numericId(rng, 15),
      displayDigits: digits,
      displayPhoneNumber: formatDisplay(digits),
      verifiedName: VERIFIED_NAMES[i % VERIFIED_NAMES.length] ?? 'Charla Demo',
      callingCode: '1',
      qualityRating: 'GREEN',
      throughputMps: opts.throughputMps,
      status: 'CONNECTED',
      profile: {
        about: 'Atención al cliente por WhatsApp',
        address: 'Calle Mayor 1, Madrid',
        description: 'Sandbox business for Charla',
        email: 'hola@example.com',
        profile_picture_url: '',
        websites: ['https://example.com'],
        vertical: 'RETAIL',
      },
    };
    w.numbers.set(pn.id, pn);
  }
  for (const p of generatePersonas(rng, opts.personas.count, opts.personas.usernameShare)) w.addPersona(p);
  if (opts.seedTemplates) for (const t of seedTemplates(w.waba.id, rng, now)) w.templates.set(t.id, t);
  return w;
}
