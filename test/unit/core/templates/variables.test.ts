import { describe, expect, it } from 'vitest';
import { extractVariables, scanPlaceholders } from '../../../../src/core/templates/placeholders.ts';
import { templateVariables } from '../../../../src/core/templates/template-variables.ts';
import { body, buttons, marketing, namedBody, textHeader, tpl, urlButton } from './builders.ts';

describe('extractVariables', () => {
  it.each([
    ['positional, with offsets', 'Hi {{1}}, order {{2}}.', 'positional', [
      { kind: 'positional', key: '1', index: 1, raw: '{{1}}', start: 3, end: 8 },
      { kind: 'positional', key: '2', index: 2, raw: '{{2}}', start: 16, end: 21 },
    ]],
    ['named', 'Hi {{first_name}}!', 'named', [{ kind: 'named', key: 'first_name', name: 'first_name', raw: '{{first_name}}', start: 3, end: 17 }]],
    ['other style left out', 'Hi {{first_name}} {{1}}', 'positional', [{ kind: 'positional', key: '1', index: 1, raw: '{{1}}', start: 18, end: 23 }]],
    ['malformed left out', 'A {{#1}} B {{ 2 }} C {{}}', 'positional', []],
    ['unclosed is not a variable', 'A {{1 B {{2}}', 'positional', [{ kind: 'positional', key: '2', index: 2, raw: '{{2}}', start: 8, end: 13 }]],
    ['repeats kept in order', '{{1}} {{1}}', 'positional', [
      { kind: 'positional', key: '1', index: 1, raw: '{{1}}', start: 0, end: 5 },
      { kind: 'positional', key: '1', index: 1, raw: '{{1}}', start: 6, end: 11 },
    ]],
  ] as const)('%s', (_name, text, format, want) => {
    expect(extractVariables(text, format)).toEqual(want);
  });

  it('is total', () => {
    for (const v of [undefined, null, 42, {}, [], '{{', '}}', '{{{{{{', '}}}}{{']) expect(() => extractVariables(v)).not.toThrow();
    expect(extractVariables(42)).toEqual([]);
  });

  it('reports brace problems with offsets', () => {
    expect(scanPlaceholders('a }} b {{ c').braces).toEqual([{ kind: 'unopened', position: 2 }, { kind: 'unclosed', position: 7 }]);
  });
});

describe('templateVariables', () => {
  it('lists header, body and URL-button variables per component', () => {
    const def = marketing([
      textHeader('Order {{1}} news', ['A-1']),
      body('Hi {{1}}, order {{2}} ships today from our store.', ['Ana', 'A-1']),
      buttons(urlButton('https://shop.example/t/{{1}}', 'Track', ['A-1']), urlButton()),
    ]);
    const v = templateVariables(def);
    expect(v.format).toBe('positional');
    expect(v.header.map((x) => x.key)).toEqual(['1']);
    expect(v.body.map((x) => [x.key, x.start])).toEqual([['1', 3], ['2', 16]]);
    expect(v.buttons).toEqual([{ index: 0, type: 'URL', variables: [{ kind: 'positional', key: '1', index: 1, raw: '{{1}}', start: 23, end: 28 }] }]);
  });

  it('follows parameter_format', () => {
    const v = templateVariables(tpl([namedBody('Hi {{first_name}}, your order has shipped today.', { first_name: 'Ana' })], { parameter_format: 'named' }));
    expect(v.body.map((x) => x.name)).toEqual(['first_name']);
  });

  it('is total', () => {
    for (const g of [null, 1, 'x', [], { components: 5 }, { components: [null, { type: 'HEADER', format: 'IMAGE' }] }]) {
      expect(templateVariables(g)).toEqual({ format: 'positional', header: [], body: [], buttons: [] });
    }
  });
});
