// Finds the first HEADER / BODY / FOOTER / BUTTONS component of a definition of any shape, and the
// declared parameter format. Shared by the validator, templateVariables and renderPreview.

import { asArray, asRecord, get, upper, type Rec } from './read.ts';
import type { ComponentKind, ParameterFormat } from './types.ts';

export interface LocatedComponent {
  index: number;
  path: string;
  rec: Rec;
}

export type LocatedComponents = Partial<Record<ComponentKind, LocatedComponent>>;

export const COMPONENT_KINDS: readonly ComponentKind[] = ['HEADER', 'BODY', 'FOOTER', 'BUTTONS'];
export const PASS_THROUGH_COMPONENTS: readonly string[] = ['LIMITED_TIME_OFFER', 'CAROUSEL'];

export function isComponentKind(type: string | undefined): type is ComponentKind {
  return type !== undefined && (COMPONENT_KINDS as readonly string[]).includes(type);
}

export function locateComponents(def: unknown): LocatedComponents {
  const out: LocatedComponents = {};
  const list = asArray(get(asRecord(def), 'components')) ?? [];
  list.forEach((item, index) => {
    const rec = asRecord(item);
    const type = upper(get(rec, 'type'));
    if (rec && isComponentKind(type) && out[type] === undefined) {
      out[type] = { index, path: `components[${index}]`, rec };
    }
  });
  return out;
}

/** `positional` unless the definition says `named` (any case). Invalid values read as positional. */
export function readParameterFormat(def: unknown): ParameterFormat {
  const raw = get(asRecord(def), 'parameter_format');
  return typeof raw === 'string' && raw.trim().toLowerCase() === 'named' ? 'named' : 'positional';
}
