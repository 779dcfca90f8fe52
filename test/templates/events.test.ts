import { beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { describeEachEngine } from '../helpers/store.ts';
import { templates } from '../../src/templates/schema.ts';
import { applyTemplateEvent } from '../../src/templates/events.ts';
import { checkEdit, pausedUntil, type HistoryEntry } from '../../src/templates/lifecycle.ts';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-02T10:00:00Z');
const at = (h: number) => new Date(T0 + h * HOUR);

describeEachEngine('applyTemplateEvent', (engine) => {
  let id = '';
  beforeEach(async () => {
    await engine.store.db.execute(sql`delete from templates`);
    const [row] = await engine.store.db
      .insert(templates)
      .values({ wabaId: 'W1', metaId: '555', name: 'aviso', language: 'en_US', category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi there' }], status: 'PENDING', history: [{ status: 'PENDING', at: at(0).toISOString(), source: 'api', event: 'submitted' }] })
      .returning();
    id = row!.id;
  });
  const row = async () => (await engine.store.db.select().from(templates).where(eq(templates.id, id)))[0]!;
  const status = (event: string, h: number, extra: Record<string, unknown> = {}) =>
    applyTemplateEvent(engine.store.db, { field: 'message_template_status_update', wabaId: 'W1', at: at(h), value: { event, message_template_id: 555, message_template_name: 'aviso', message_template_language: 'en-US', ...extra } });

  it('approves, pauses 3 h then 6 h, and an out-of-order older event changes nothing', async () => {
    expect(await status('APPROVED', 1)).toEqual([{ templateId: id, status: 'APPROVED' }]);
    await status('PAUSED', 2, { other_info: { title: 'FIRST_PAUSE' } });
    expect((await row()).pausedUntil?.toISOString()).toBe(at(5).toISOString());
    await status('APPROVED', 5, { other_info: { title: 'UNPAUSE' } });
    expect((await row()).pausedUntil).toBeNull();
    await status('PAUSED', 6); // no title: the second pause lasts 6 h
    expect((await row()).pausedUntil?.toISOString()).toBe(at(12).toISOString());
    await status('APPROVED', 1.5); // a late duplicate of an older approval
    const r = await row();
    expect(r.status).toBe('PAUSED');
    expect((r.history as HistoryEntry[]).at(-1)).toMatchObject({ status: 'APPROVED', stale: true });
  });

  it('keeps the rejection reason, and matches by name and language before the id is linked', async () => {
    await engine.store.db.update(templates).set({ metaId: null }).where(eq(templates.id, id));
    await status('REJECTED', 1, { message_template_id: 999, reason: 'INVALID_FORMAT', rejection_info: { reason: 'Variables at the start', recommendation: 'Add words first' } });
    const r = await row();
    expect(r).toMatchObject({ status: 'REJECTED', rejectionReason: 'Variables at the start', metaId: '999' });
    expect((r.history as HistoryEntry[]).at(-1)).toMatchObject({ reasonCode: 'INVALID_FORMAT', recommendation: 'Add words first' });
  });

  it('applies category and quality updates; ignores other fields and unknown templates', async () => {
    await applyTemplateEvent(engine.store.db, { field: 'template_category_update', wabaId: 'W1', at: at(1), value: { message_template_id: 555, previous_category: 'UTILITY', new_category: 'MARKETING' } });
    await applyTemplateEvent(engine.store.db, { field: 'message_template_quality_update', wabaId: 'W1', at: at(1), value: { message_template_id: 555, previous_quality_score: 'GREEN', new_quality_score: 'RED' } });
    expect(await row()).toMatchObject({ category: 'MARKETING', quality: 'RED', status: 'PENDING' });
    expect(await applyTemplateEvent(engine.store.db, { field: 'account_update', wabaId: 'W1', at: at(1), value: {} })).toEqual([]);
    expect(await status('APPROVED', 1, { message_template_id: 1, message_template_name: 'other' })).toEqual([]);
  });
});

describe('lifecycle rules', () => {
  const approved = (edits: number[]) => ({
    status: 'APPROVED',
    category: 'UTILITY',
    history: edits.map((h) => ({ status: 'PENDING', at: at(h).toISOString(), source: 'api' as const, event: 'edited' })),
  });
  it.each([
    ['draft', { status: 'DRAFT', category: 'UTILITY', history: [] }, {}, 0, null],
    ['pending', { status: 'PENDING', category: 'UTILITY', history: [] }, {}, 0, 'template_not_editable'],
    ['disabled', { status: 'DISABLED', category: 'UTILITY', history: [] }, {}, 0, 'template_not_editable'],
    ['rejected: any number of edits', { ...approved([0, 1, 2]), status: 'REJECTED' }, { category: 'MARKETING' }, 2.5, null],
    ['approved, category change', approved([]), { category: 'MARKETING' }, 0, 'category_locked'],
    ['approved, edited 23 h ago', approved([0]), {}, 23, 'edit_too_soon'],
    ['approved, edited 25 h ago', approved([0]), {}, 25, null],
    ['approved, 10 edits in 30 days', approved([0, 25, 50, 75, 100, 125, 150, 175, 200, 225]), {}, 260, 'edit_limit_reached'],
    ['approved, 10 edits but the first is older than 30 days', approved([0, 25, 50, 75, 100, 125, 150, 175, 200, 225]), {}, 721, null],
  ] as const)('%s', (_n, row, patch, nowH, want) => {
    expect(checkEdit(row, patch, at(nowH))?.code ?? null).toBe(want);
  });

  it.each([
    [{ other_info: { title: 'FIRST_PAUSE' } }, 1, 3],
    [{ other_info: { title: 'SECOND_PAUSE' } }, 0, 6],
    [{ disable_info: { disable_date: Math.floor((T0 + 4 * HOUR) / 1000) } }, 0, 4],
    [{}, 0, 3],
    [{}, 1, 6],
  ])('pausedUntil(%j, earlier %i) = +%i h', (value, earlier, hours) => {
    expect(pausedUntil(value, at(0), earlier).getTime() - T0).toBe(hours * HOUR);
  });
});
