// "Every variable needs an example" (whatsapp-cloud-api.md §4.3 parameter_format): body_text = [[…]] /
// body_text_named_params, header_text / header_text_named_params.

import { asArray, asRecord, asString, get, type Rec } from './read.ts';
import { problem, plural, quote, type ProblemAt } from './problems.ts';
import { distinctKeys } from './placeholders.ts';
import type { ParameterFormat, TemplateProblem, TemplateVariable } from './types.ts';

export interface ExampleCheckOptions {
  at: ProblemAt;
  label: string;
  format: ParameterFormat;
  /** The component's `example` object. */
  example: unknown;
  /** `body_text` (a list of rows) or `header_text` (a flat list). */
  positionalKey: 'body_text' | 'header_text';
  namedKey: 'body_text_named_params' | 'header_text_named_params';
}

export interface ExampleCheckResult {
  problems: TemplateProblem[];
  /** Example value per variable key, for the preview and the AUTHENTICATION length rule. */
  values: Map<string, string>;
}

function positionalValues(example: Rec | undefined, key: 'body_text' | 'header_text'): readonly unknown[] | undefined {
  const list = asArray(get(example, key));
  if (!list) return undefined;
  // body_text is [["a", "b"]]; header_text is ["a"]. Accept a flat body_text too and judge the values.
  if (key === 'body_text' && Array.isArray(list[0])) return list[0] as readonly unknown[];
  return list;
}

export function checkExamples(variables: readonly TemplateVariable[], opts: ExampleCheckOptions): ExampleCheckResult {
  const { label, format, positionalKey, namedKey } = opts;
  const problems: TemplateProblem[] = [];
  const values = new Map<string, string>();
  const example = asRecord(opts.example);
  const keys = distinctKeys(variables);
  const firstAt = new Map<string, TemplateVariable>();
  for (const v of variables) if (!firstAt.has(v.key)) firstAt.set(v.key, v);

  if (format === 'positional') {
    const at: ProblemAt = { ...opts.at, field: `example.${positionalKey}` };
    const list = positionalValues(example, positionalKey);
    const shape = positionalKey === 'body_text' ? '[["…", "…"]]' : '["…"]';
    if (keys.length === 0) {
      if (list && list.length > 0) {
        problems.push(problem('example.count_mismatch', at, `${label}: example.${positionalKey} has ${plural(list.length, 'value')} but the text has no variables. Remove the example.`));
      }
      return { problems, values };
    }
    if (!list || list.length === 0) {
      const v = variables[0];
      problems.push(problem('example.missing', at, `${label}: add example values for ${plural(keys.length, 'variable')} in example.${positionalKey} as ${shape}, one per variable in order.`, v?.start));
      return { problems, values };
    }
    if (list.length !== keys.length) {
      problems.push(problem('example.count_mismatch', at, `${label}: example.${positionalKey} has ${plural(list.length, 'value')} but the text has ${plural(keys.length, 'variable')}. Give exactly one example per variable.`));
    }
    // Positional keys are sorted by number: example i belongs to {{i+1}}.
    const sorted = [...keys].sort((a, b) => Number(a) - Number(b));
    sorted.forEach((key, i) => {
      const value = asString(list[i]);
      const v = firstAt.get(key);
      if (i >= list.length) return;
      if (value === undefined || value.trim() === '') {
        problems.push(problem('example.empty', at, `${label}: the example for {{${key}}} is empty. Give a realistic sample value.`, v?.start));
      } else {
        values.set(key, value);
      }
    });
    return { problems, values };
  }

  const at: ProblemAt = { ...opts.at, field: `example.${namedKey}` };
  const list = asArray(get(example, namedKey)) ?? [];
  const given = new Map<string, unknown>();
  for (const item of list) {
    const rec = asRecord(item);
    const name = asString(get(rec, 'param_name'));
    if (name === undefined) continue;
    if (!given.has(name)) given.set(name, get(rec, 'example'));
  }
  for (const key of keys) {
    const v = firstAt.get(key);
    if (!given.has(key)) {
      problems.push(problem('example.missing', at, `${label}: {{${key}}} (position ${v?.start ?? 0}) has no example. Add { "param_name": "${key}", "example": "…" } to example.${namedKey}.`, v?.start));
      continue;
    }
    const value = asString(given.get(key));
    if (value === undefined || value.trim() === '') {
      problems.push(problem('example.empty', at, `${label}: the example for {{${key}}} is empty. Give a realistic sample value.`, v?.start));
    } else {
      values.set(key, value);
    }
  }
  const used = new Set(keys);
  for (const name of given.keys()) {
    if (!used.has(name)) {
      problems.push(problem('example.unknown_name', at, `${label}: example.${namedKey} has an example for ${quote(name)}, which the text does not use. Remove it or add {{${name}}} to the text.`));
    }
  }
  return { problems, values };
}
