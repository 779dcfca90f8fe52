// Rules for the variables inside a header or body text (whatsapp-cloud-api.md §4.3: positional var,
// named var, placement).

import { minimumWordsFor } from './limits.ts';
import { scanPlaceholders, toVariable, type PlaceholderToken } from './placeholders.ts';
import { problem, plural, quote, type ProblemAt } from './problems.ts';
import type { ParameterFormat, TemplateProblem, TemplateVariable } from './types.ts';

export interface VariableTextOptions {
  at: ProblemAt;
  /** "Body", "Header": starts every message. */
  label: string;
  format: ParameterFormat;
  /** Apply the words-per-variable rule (2388293). Meta reports it for bodies; headers hold one variable at most. */
  checkRatio?: boolean;
}

export interface VariableTextResult {
  problems: TemplateProblem[];
  /** Well-formed variables of the declared format, in order. */
  variables: TemplateVariable[];
  /** Well-formed variables of either format (what Meta would see as variables). */
  allVariables: TemplateVariable[];
}

const STYLE_HINT = 'Use {{1}}, {{2}}… or a lowercase name such as {{first_name}}.';

function describeBad(token: PlaceholderToken): string {
  if (token.inner === '') return 'is empty';
  if (/^[0-9]+$/.test(token.inner)) return 'is not a number from 1 up (no 0, no leading zeros)';
  const c = token.badChar ?? '';
  if (/\s/u.test(c)) return `has a space at position ${token.badAt}`;
  if (/\p{Lu}/u.test(c)) return `has the capital letter "${c}" at position ${token.badAt}`;
  if (/[0-9]/.test(c)) return `mixes digits into a name at position ${token.badAt}`;
  if (/[a-z_]/.test(c)) return `mixes letters into a number at position ${token.badAt}`;
  return `has "${c}" at position ${token.badAt}, which is not allowed inside braces`;
}

function countWords(text: string, tokens: readonly PlaceholderToken[]): number {
  let stripped = '';
  let from = 0;
  for (const t of tokens) {
    stripped += `${text.slice(from, t.start)} `;
    from = t.end;
  }
  stripped += text.slice(from);
  let words = 0;
  for (const part of stripped.split(/\s+/u)) if (/[\p{L}\p{N}]/u.test(part)) words++;
  return words;
}

export function checkVariableText(text: string, opts: VariableTextOptions): VariableTextResult {
  const { at, label, format } = opts;
  const problems: TemplateProblem[] = [];
  const scan = scanPlaceholders(text);

  for (const b of scan.braces) {
    problems.push(
      b.kind === 'unclosed'
        ? problem('variable.unbalanced_braces', at, `${label}: "{{" at position ${b.position} is never closed. Close it with "}}" or remove it.`, b.position)
        : problem('variable.unbalanced_braces', at, `${label}: "}}" at position ${b.position} has no matching "{{". Add "{{" before it or remove it.`, b.position),
    );
  }

  const valid: PlaceholderToken[] = [];
  const allVariables: TemplateVariable[] = [];
  const variables: TemplateVariable[] = [];
  for (const t of scan.tokens) {
    if (t.kind === 'invalid') {
      problems.push(problem('variable.invalid', at, `${label}: ${quote(t.raw)} at position ${t.start} ${describeBad(t)}. ${STYLE_HINT}`, t.badAt ?? t.start));
      continue;
    }
    valid.push(t);
    const v = toVariable(t);
    if (!v) continue;
    allVariables.push(v);
    if (t.kind === format) {
      variables.push(v);
    } else if (format === 'positional') {
      problems.push(problem('variable.wrong_format', at, `${label}: ${t.raw} at position ${t.start} is a named variable, but this template uses positional variables ({{1}}, {{2}}…). Use a number, or set parameter_format to named.`, t.start));
    } else {
      problems.push(problem('variable.wrong_format', at, `${label}: ${t.raw} at position ${t.start} is a positional variable, but this template uses named variables. Use a lowercase name such as {{first_name}}, or set parameter_format to positional.`, t.start));
    }
  }

  // Order and uniqueness, within the declared style.
  const seen = new Set<string>();
  let expected = 1;
  let sequenceReported = false;
  for (const v of variables) {
    if (seen.has(v.key)) {
      const fix = v.kind === 'positional' ? `Use {{${expected}}} for a new value.` : 'Use a different name for a second value.';
      problems.push(problem('variable.repeated', at, `${label}: ${v.raw} at position ${v.start} is already used earlier in the text; each variable can appear only once. ${fix}`, v.start));
      continue;
    }
    seen.add(v.key);
    if (v.kind !== 'positional') continue;
    if (v.index === expected) {
      expected++;
    } else if (!sequenceReported) {
      sequenceReported = true;
      problems.push(problem('variable.sequence', at, `${label}: expected {{${expected}}} at position ${v.start} but found ${v.raw}. Number the variables {{1}}, {{2}}, {{3}}… in the order they appear, without gaps.`, v.start));
    }
  }

  // Placement: all well-formed variables count, whatever their style.
  const first = valid[0];
  const last = valid[valid.length - 1];
  if (first && last) {
    const lead = text.length - text.trimStart().length;
    const tail = text.trimEnd().length;
    if (first.start === lead) {
      problems.push(problem('variable.leading', at, `${label}: a variable cannot be at the very start of the text (position ${first.start}). Add words before ${first.raw}.`, first.start));
    }
    if (last.end === tail) {
      problems.push(problem('variable.trailing', at, `${label}: a variable cannot be at the very end of the text (position ${last.start}). Add words after ${last.raw}.`, last.start));
    }
    for (let i = 1; i < valid.length; i++) {
      const a = valid[i - 1];
      const b = valid[i];
      if (!a || !b) continue;
      if (text.slice(a.end, b.start).trim() === '') {
        problems.push(problem('variable.adjacent', at, `${label}: ${b.raw} at position ${b.start} follows ${a.raw} with no words between them. Add words between the two variables.`, b.start));
      }
    }
    const words = countWords(text, scan.tokens);
    const need = minimumWordsFor(valid.length);
    if (opts.checkRatio === true && words < need) {
      problems.push(problem('variable.too_many_for_length', at, `${label}: too many variables for the length of the text (${plural(valid.length, 'variable')}, ${plural(words, 'word')}). A text with ${plural(valid.length, 'variable')} needs at least ${need} other words: add ${need - words} more or remove variables.`));
    }
  }

  return { problems, variables, allVariables };
}
