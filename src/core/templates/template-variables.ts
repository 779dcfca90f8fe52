// The variables of a definition, per component, for the send form, the inbox picker and preflight.

import { locateComponents, readParameterFormat } from './components.ts';
import { extractVariables, scanPlaceholders, toVariable } from './placeholders.ts';
import { asArray, asRecord, asString, get, upper } from './read.ts';
import type { ParameterFormat, TemplateVariable } from './types.ts';

export interface ButtonVariables {
  /** Index in the BUTTONS component: the `index` of the send payload. */
  index: number;
  type: string;
  variables: TemplateVariable[];
}

export interface TemplateVariables {
  format: ParameterFormat;
  /** Only TEXT headers have variables. */
  header: TemplateVariable[];
  body: TemplateVariable[];
  /** Buttons that take a parameter at send time: URL buttons with a variable. */
  buttons: ButtonVariables[];
}

/** Well-formed variables of the declared format per component. Total: garbage yields empty lists. */
export function templateVariables(def: unknown): TemplateVariables {
  const format = readParameterFormat(def);
  const located = locateComponents(def);
  const headerFormat = upper(get(located.HEADER?.rec, 'format'));
  const header = headerFormat === 'TEXT' ? extractVariables(get(located.HEADER?.rec, 'text'), format) : [];
  const body = extractVariables(get(located.BODY?.rec, 'text'), format);
  const buttons: ButtonVariables[] = [];
  (asArray(get(located.BUTTONS?.rec, 'buttons')) ?? []).forEach((item, index) => {
    const b = asRecord(item);
    const type = upper(get(b, 'type')) ?? '';
    if (type !== 'URL') return;
    const url = asString(get(b, 'url')) ?? '';
    const variables = scanPlaceholders(url).tokens.map(toVariable).filter((v): v is TemplateVariable => v !== undefined);
    if (variables.length > 0) buttons.push({ index, type, variables });
  });
  return { format, header, body, buttons };
}
