// "Runs on every keystroke: fast and total." Random garbage and every prefix of a real template
// must give problems, never an exception.
import { describe, expect, it } from 'vitest';
import { renderPreview } from '../../../../src/core/templates/preview.ts';
import { templateVariables } from '../../../../src/core/templates/template-variables.ts';
import { validateTemplate } from '../../../../src/core/templates/validate-template.ts';

// Deterministic PRNG so failures reproduce.
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const ATOMS: unknown[] = [null, undefined, 0, -1, 1e9, NaN, true, '', ' ', '{{', '}}', '{{1}}', '{{a}}', '🎉', 'https://x', 'TEXT', 'OTP', 'URL', 'QUICK_REPLY', 'BODY', 'HEADER', 'FOOTER', 'BUTTONS', 'named', [], {}];
const KEYS = ['name', 'language', 'category', 'parameter_format', 'components', 'type', 'format', 'text', 'example', 'buttons', 'url', 'phone_number', 'otp_type', 'body_text', 'header_text', 'header_handle', 'body_text_named_params', 'param_name'];

function garbage(next: () => number, depth: number): unknown {
  const r = next();
  if (depth > 4 || r < 0.45) return ATOMS[Math.floor(next() * ATOMS.length)];
  if (r < 0.7) return Array.from({ length: Math.floor(next() * 4) }, () => garbage(next, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(next() * 5); i > 0; i--) o[KEYS[Math.floor(next() * KEYS.length)] ?? 'x'] = garbage(next, depth + 1);
  return o;
}

describe('totality', () => {
  it('never throws on 3,000 random definitions', () => {
    const next = rng(7);
    for (let i = 0; i < 3000; i++) {
      const def = garbage(next, 0);
      expect(() => validateTemplate(def, { existing: [def as never] })).not.toThrow();
      expect(() => templateVariables(def)).not.toThrow();
      expect(() => renderPreview(def)).not.toThrow();
    }
  });

  it('never throws while a template is being typed, character by character', () => {
    const json = JSON.stringify({
      name: 'order_update', language: 'en_US', category: 'UTILITY',
      components: [{ type: 'BODY', text: 'Hi {{1}}, order {{2}} ships today.', example: { body_text: [['Ana', 'A-1']] } }],
    });
    const text = 'Hi {{1}}, your order {{2}} from {{first_name}} ships {{3 today }} {{#4}}.';
    for (let i = 0; i <= text.length; i++) {
      const def = { ...JSON.parse(json), components: [{ type: 'BODY', text: text.slice(0, i) }] };
      expect(Array.isArray(validateTemplate(def))).toBe(true);
    }
  });

  it('checks a full-size body quickly', () => {
    const text = `Hi {{1}}, ${'lorem ipsum dolor sit amet '.repeat(36)}bye.`.slice(0, 1024);
    const def = { name: 'x', language: 'en', category: 'UTILITY', components: [{ type: 'BODY', text, example: { body_text: [['a']] } }] };
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) validateTemplate(def);
    // ~10 µs each on a laptop; 1,000 runs well under a second leaves room for slow CI.
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
