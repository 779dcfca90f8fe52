import { metaCodeFor, type TemplateProblemCode } from './rules.ts';
import type { ComponentKind, TemplateProblem } from './types.ts';

export interface ProblemAt {
  path: string;
  field?: string;
  component?: ComponentKind;
}

/** Builds a problem; the Meta code always comes from the rule table so the two cannot drift. */
export function problem(
  code: TemplateProblemCode,
  at: ProblemAt,
  message: string,
  position?: number,
): TemplateProblem {
  const p: TemplateProblem = { code, path: at.path, message };
  if (at.field !== undefined) p.field = at.field;
  if (at.component !== undefined) p.component = at.component;
  if (position !== undefined) p.position = position;
  const meta = metaCodeFor(code);
  if (meta !== undefined) p.metaCode = meta;
  return p;
}

export const COMPONENT_LABEL: Readonly<Record<ComponentKind, string>> = {
  HEADER: 'Header',
  BODY: 'Body',
  FOOTER: 'Footer',
  BUTTONS: 'Buttons',
};

/** `"Jessica"` style quoting for messages, shortened so a message stays one line. */
export function quote(text: string, max = 40): string {
  const chars = [...text];
  return `"${chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text}"`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
