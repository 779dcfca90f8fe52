// The web app links an organization to /contacts?filter=organization = "…": the quoting must read back as the name.
import { describe, expect, it } from 'vitest';
import { compileSegmentFilter } from '../../src/core/segments/index.ts';
import { organizationFilter } from '../../web/src/screens/organizations/filter.ts';

describe('organizationFilter (web) against the segment language (server)', () => {
  const names = [
    'Ferretería López',
    'Taller "El Clavo"',
    'Back\\slash & Co.',
    'O\'Brien “Hermanos” (Sucursal 2)',
    'a\tb',
    'and or not = ( ) , contains',
    'Ends with a backslash \\',
  ];
  it.each(names)('%s', (name) => {
    const r = compileSegmentFilter(organizationFilter(name), []);
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.predicate).toEqual({ t: 'organization', test: { op: 'in', ids: [], names: [name] } });
  });
});
