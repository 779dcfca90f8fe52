// Editing custom field values (contacts and organizations alike): an input per field type, the patch of what
// changed, and the server's `invalid_fields` problems placed under their field.
import { MultiSelect, Select, TextInput } from '@mantine/core';
import { ApiError } from '../api/client.ts';
import { useI18n } from '../i18n/index.tsx';

/** What the editors need of a field definition (GET /api/v1/fields). */
export interface CustomFieldDef {
  key: string;
  label: string;
  type: string;
  options?: string[] | null;
  required?: boolean;
}

export type FieldInputValue = string | string[];

/** A stored value as the form edits it: multi-choice as a list, yes/no as "true"/"false", the rest as text. */
export function toInput(def: CustomFieldDef, v: unknown): FieldInputValue {
  if (def.type === 'multi_choice') return Array.isArray(v) ? v.map(String) : v == null ? [] : [String(v)];
  if (v === null || v === undefined) return '';
  return Array.isArray(v) ? v.join(', ') : String(v);
}

const isEmpty = (v: FieldInputValue | undefined) => v === undefined || (Array.isArray(v) ? v.length === 0 : v.trim() === '');

/**
 * Only the fields the person changed, so values nobody touched are not re-checked. Emptied ones are sent
 * as null (cleared); the server checks and normalises the rest (numbers, dates, phones…) and says what is wrong.
 */
export function fieldPatch(defs: CustomFieldDef[], initial: Record<string, FieldInputValue>, values: Record<string, FieldInputValue>): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const d of defs) {
    const now = values[d.key];
    if (JSON.stringify(now ?? '') === JSON.stringify(initial[d.key] ?? '')) continue;
    if (isEmpty(now)) patch[d.key] = null;
    else if (d.type === 'boolean') patch[d.key] = now === 'true';
    else patch[d.key] = typeof now === 'string' ? now.trim() : now;
  }
  return patch;
}

/**
 * The server's `invalid_fields` problems (`{ key, message }` each) by field key, and whether any concerns a field
 * this form does not show; null for any other error.
 */
export function fieldErrors(error: unknown, defs: CustomFieldDef[]): { byKey: Record<string, string>; other: boolean } | null {
  if (!(error instanceof ApiError) || error.code !== 'invalid_fields' || !Array.isArray(error.details)) return null;
  const byKey: Record<string, string> = {};
  let other = false;
  for (const d of error.details as { key?: unknown; message?: unknown }[]) {
    const key = typeof d?.key === 'string' ? d.key : '';
    if (defs.some((f) => f.key === key)) byKey[key] = byKey[key] ? `${byKey[key]} ${String(d.message)}` : String(d.message);
    else other = true;
  }
  return { byKey, other };
}

/** A stored value as text for reading (yes/no in the user's language, lists joined). */
export function useShowValue() {
  const { t } = useI18n();
  return (def: CustomFieldDef, v: unknown): string => {
    if (v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) return '—';
    if (def.type === 'boolean') return v === true ? t('app.yes') : v === false ? t('app.no') : String(v);
    return Array.isArray(v) ? v.map(String).join(', ') : String(v);
  };
}

export function FieldInput({ def, value, error, onChange }: { def: CustomFieldDef; value: FieldInputValue | undefined; error: string | undefined; onChange: (v: FieldInputValue) => void }) {
  const { t } = useI18n();
  const common = { label: def.label, required: def.required ?? false, error, 'data-field': def.key };
  switch (def.type) {
    case 'choice':
      return <Select {...common} clearable data={def.options ?? []} value={typeof value === 'string' && value ? value : null} onChange={(v) => onChange(v ?? '')} />;
    case 'multi_choice':
      return <MultiSelect {...common} clearable data={def.options ?? []} value={Array.isArray(value) ? value : []} onChange={onChange} />;
    case 'boolean':
      return (
        <Select {...common} clearable value={typeof value === 'string' && value ? value : null} onChange={(v) => onChange(v ?? '')}
          data={[{ value: 'true', label: t('app.yes') }, { value: 'false', label: t('app.no') }]} />
      );
    default: {
      const inputMode = def.type === 'number' ? 'decimal' : def.type === 'phone' ? 'tel' : def.type === 'email' ? 'email' : def.type === 'url' ? 'url' : undefined;
      const description = def.type === 'date' ? t('field.dateHelp') : def.type === 'url' ? t('field.urlHelp') : undefined;
      return <TextInput {...common} inputMode={inputMode} description={description} value={typeof value === 'string' ? value : ''} onChange={(e) => onChange(e.currentTarget.value)} />;
    }
  }
}
