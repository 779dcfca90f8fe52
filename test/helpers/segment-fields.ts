import type { FieldDefinition } from '../../src/core/fields.ts';

/** Custom fields of every type the segment tests filter on. */
export const SEGMENT_FIELDS: FieldDefinition[] = [
  { key: 'plan', label: 'Plan', type: 'choice', options: ['Gold', 'Silver', 'Bronze'] },
  { key: 'interests', label: 'Intereses', type: 'multi_choice', options: ['Golf', 'Tenis', 'Vela'] },
  { key: 'visits', label: 'Visitas', type: 'number' },
  { key: 'birth_date', label: 'Nacimiento', type: 'date' },
  { key: 'vip', label: 'VIP', type: 'boolean' },
  { key: 'notes', label: 'Notas', type: 'text' },
];
