import { describe, expect, it } from 'vitest';
import { validateTemplate } from '../../../../src/core/templates/validate-template.ts';
import { metaCodeFor, TEMPLATE_PROBLEM_CODES } from '../../../../src/core/templates/rules.ts';
import type { TemplateProblem } from '../../../../src/core/templates/types.ts';
import { allRows, type RuleRow } from './rows.ts';
import { auth, body, tpl } from './builders.ts';

function expected(row: RuleRow): TemplateProblem {
  const p: TemplateProblem = { code: row.code, path: row.expect.path, message: row.expect.message };
  if (row.expect.field !== undefined) p.field = row.expect.field;
  if (row.expect.component !== undefined) p.component = row.expect.component;
  if (row.expect.position !== undefined) p.position = row.expect.position;
  if (row.expect.metaCode !== undefined) p.metaCode = row.expect.metaCode;
  return p;
}

describe('validateTemplate: rule table', () => {
  describe.each(allRows.map((r) => [`${r.code}: ${r.title}`, r] as const))('%s', (_name, row) => {
    it('passes the valid definition with no problems at all', () => {
      expect(validateTemplate(row.pass, row.passOptions)).toEqual([]);
    });
    it('reports the failing definition with code, path, position, Meta code and message', () => {
      const problems = validateTemplate(row.fail, row.failOptions);
      const mine = problems.filter((p) => p.code === row.code);
      expect(mine.length, JSON.stringify(problems, null, 1)).toBeGreaterThan(0);
      expect(mine[0]).toEqual(expected(row));
    });
  });

  it('has a failing row for every rule in TEMPLATE_RULES', () => {
    const covered = new Set(allRows.map((r) => r.code));
    expect(TEMPLATE_PROBLEM_CODES.filter((c) => !covered.has(c))).toEqual([]);
  });

  it('takes the Meta code from the rule table for every row', () => {
    for (const row of allRows) {
      expect([row.code, row.expect.metaCode]).toEqual([row.code, metaCodeFor(row.code)]);
    }
  });
});

describe('validateTemplate: spec examples and edges', () => {
  // The two worked examples on the BSP help pages the 2388293 threshold comes from.
  it.each([
    ['Dear Guest, Reservation {{1}} arriving from {{2}} departing at {{3}} on {{4}} now departs at {{5}}.', true],
    ['Hello {{1}}, your order {{2}} for {{3}} will be delivered by {{4}}.', false],
    ['Hello {{1}}, your order {{2}} for {{3}} will be delivered by {{4}} today.', true],
  ])('words-per-variable threshold: %s → ok=%s', (text, ok) => {
    const n = (text.match(/\{\{/g) ?? []).length;
    const problems = validateTemplate(tpl([body(text, Array.from({ length: n }, (_, i) => `v${i + 1}`))]));
    expect(problems.some((p) => p.code === 'variable.too_many_for_length')).toBe(!ok);
  });

  it('reports the brief’s trailing-variable example word for word', () => {
    const text = 'Hello {{1}}, thanks for shopping with us. Your order is {{2}}';
    const problems = validateTemplate(tpl([body(text.padEnd(text.length), ['Ana', 'A-1'])]));
    const trailing = problems.find((p) => p.code === 'variable.trailing');
    expect(trailing?.message).toBe(`Body: a variable cannot be at the very end of the text (position ${text.indexOf('{{2}}')}). Add words after {{2}}.`);
  });

  it('does not check duplicate wording for AUTHENTICATION', () => {
    const def = auth([body('Your code is {{1}} for login.', ['123456']), { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE' }] }]);
    const existing = [{ name: 'other', language: 'en', category: 'AUTHENTICATION', components: [{ type: 'BODY', text: 'Your code is {{1}} for login.' }] }];
    expect(validateTemplate(def, { existing })).toEqual([]);
  });

  it('accepts parameter_format and types in Meta’s upper case and the docs’ lower case', () => {
    const def = {
      name: 'order_update', language: 'en_US', category: 'UTILITY', parameter_format: 'NAMED',
      components: [{ type: 'body', text: 'Hi {{first_name}}, your order has shipped today.', example: { body_text_named_params: [{ param_name: 'first_name', example: 'Ana' }] } }],
    };
    expect(validateTemplate(def)).toEqual([]);
  });

  it('reports every problem of a bad template at once, in definition order', () => {
    const problems = validateTemplate({ name: 'Bad Name', language: 'english', category: 'PROMO', components: [{ type: 'FOOTER', text: 'x'.repeat(61) }] });
    expect(problems.map((p) => p.code)).toEqual(['name.invalid_characters', 'language.unknown', 'category.invalid', 'body.missing', 'footer.too_long']);
  });
});

describe('docs/templates-rules.md', () => {
  it('lists every rule code', async () => {
    const { readFile } = await import('node:fs/promises');
    const doc = await readFile(new URL('../../../../docs/templates-rules.md', import.meta.url), 'utf8');
    expect(TEMPLATE_PROBLEM_CODES.filter((c) => !doc.includes(`| \`${c}\` |`))).toEqual([]);
  });
});
