// The template library per WABA: drafts, validation, submission, edits, deletion, unpausing, preview and
// sending with variable mapping. Nothing invalid leaves Charla: every submit and edit runs the core
// validator first and is refused here, with the rule named, when it finds a problem.
import { and, asc, eq, ilike, inArray, sql, type SQL } from 'drizzle-orm';
import { likeLiteral } from '../store/like.ts';
import type { AppContext } from '../context.ts';
import type { Db } from '../store/connection.ts';
import { HttpError } from '../http/errors.ts';
import { renderPreview, TEMPLATE_RULES, validateTemplate, type TemplatePreview, type TemplateProblem } from '../core/templates/index.ts';
import { parsePhone } from '../core/phone.ts';
import { contacts } from '../messaging/schema.ts';
import { organizations } from '../crm/schema.ts';
import { getNumber, getNumberByMetaId, type PhoneNumberRow } from '../messaging/numbers.ts';
import { enqueueMessage, type EnqueueInput, type MessageView } from '../messaging/outbox.ts';
import { cloudApiFor } from '../whatsapp/client.ts';
import { CloudApiError } from '../whatsapp/errors.ts';
import { templates } from './schema.ts';
import { asHistory, checkEdit, deleteRefusal, editability, type HistoryEntry } from './lifecycle.ts';
import { buildTemplateSend, checkMapping, mappingSlots, type ContactFacts, type MappingProblem, type ResolvedVariable, type SendTimeValues, type TemplateMapping } from './mapping.ts';
import { numberForWaba, type TemplateRow } from './sync.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A validator problem as the editor gets it: the validator's fields plus the rule's one-line summary. */
export type EditorProblem = TemplateProblem & { rule: string };

export function editorProblems(problems: readonly TemplateProblem[]): EditorProblem[] {
  return problems.map((p) => ({ ...p, rule: TEMPLATE_RULES[p.code]?.summary ?? p.code }));
}

// --- views ---

const iso = (d: Date | null | undefined): string | null => (d ? d.toISOString() : null);

export function templateView(row: TemplateRow) {
  return {
    id: row.id,
    wabaId: row.wabaId,
    metaId: row.metaId,
    name: row.name,
    language: row.language,
    category: row.category,
    parameterFormat: row.parameterFormat,
    status: row.status,
    quality: row.quality,
    rejectionReason: row.rejectionReason,
    pausedUntil: iso(row.pausedUntil),
    components: row.components as unknown[],
    mapping: (row.mapping as TemplateMapping | null) ?? null,
    editsCount: row.editsCount,
    lastEditedAt: iso(row.lastEditedAt),
    syncedAt: iso(row.syncedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
export type TemplateView = ReturnType<typeof templateView>;

/** The definition in Meta's create shape. */
export function definitionOf(row: Pick<TemplateRow, 'name' | 'language' | 'category' | 'parameterFormat' | 'components'>) {
  return { name: row.name, language: row.language, category: row.category, parameter_format: row.parameterFormat, components: row.components as unknown[] };
}

export { templateFacts } from './facts.ts';

export async function templateDetail(ctx: AppContext, row: TemplateRow) {
  const def = definitionOf(row);
  const existing = await libraryOf(ctx.store.db, row.wabaId, row.id);
  const history = asHistory(row.history);
  const lastRejection = [...history].reverse().find((h) => h.status === 'REJECTED' && h.event !== 'category' && h.event !== 'quality');
  return {
    ...templateView(row),
    history,
    rejection:
      row.status === 'REJECTED'
        ? { reason: row.rejectionReason, code: lastRejection?.reasonCode ?? null, recommendation: lastRejection?.recommendation ?? null }
        : null,
    variables: mappingSlots(def),
    problems: editorProblems(validateTemplate(def, { existing })),
    preview: renderPreview(def),
    editing: editability({ status: row.status, category: row.category, history }, ctx.clock.now()),
  };
}

// --- lookups ---

export async function getTemplateRow(db: Db, id: string): Promise<TemplateRow> {
  const [row] = UUID.test(id) ? await db.select().from(templates).where(eq(templates.id, id)) : [];
  if (!row) throw new HttpError(404, 'template_not_found', `There is no template ${id}. List templates with GET /api/v1/templates.`);
  return row;
}

async function findNumber(ctx: AppContext, id: string): Promise<PhoneNumberRow> {
  const row = UUID.test(id) ? await getNumber(ctx, id) : await getNumberByMetaId(ctx, id);
  if (!row) throw new HttpError(404, 'number_not_found', `There is no sender number ${id}. List numbers with GET /api/v1/numbers.`, { field: 'phoneNumberId' });
  return row;
}

/** The WABA a request means: given, through a number, or the only one configured. */
export async function resolveWaba(ctx: AppContext, at: { wabaId?: string | undefined; phoneNumberId?: string | undefined }): Promise<string> {
  if (at.wabaId) {
    await numberForWaba(ctx.store.db, at.wabaId);
    return at.wabaId;
  }
  if (at.phoneNumberId) return (await findNumber(ctx, at.phoneNumberId)).wabaId;
  const rows = await ctx.store.rows<{ waba_id: string }>(sql`select distinct waba_id from phone_numbers order by waba_id limit 2`);
  if (rows.length === 1) return rows[0]!.waba_id;
  throw new HttpError(
    400,
    'waba_required',
    rows.length === 0 ? 'Add a sender number first (POST /api/v1/numbers): templates belong to its WhatsApp Business Account.' : 'Several WhatsApp Business Accounts are configured: give wabaId or phoneNumberId.',
    { field: 'wabaId' },
  );
}

/** The other templates of a WABA, for the duplicate-wording rule. */
async function libraryOf(db: Db, wabaId: string, exceptId?: string) {
  const rows = await db
    .select({ id: templates.id, name: templates.name, language: templates.language, category: templates.category, components: templates.components })
    .from(templates)
    .where(eq(templates.wabaId, wabaId));
  return rows.filter((r) => r.id !== exceptId);
}

export interface ListFilter {
  wabaId?: string | undefined;
  phoneNumberId?: string | undefined;
  status?: string[] | undefined;
  category?: string[] | undefined;
  language?: string[] | undefined;
  /** Name contains (case-insensitive). */
  q?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export async function listTemplates(ctx: AppContext, f: ListFilter): Promise<{ data: TemplateView[]; total: number }> {
  const where: SQL[] = [];
  const waba = f.wabaId ?? (f.phoneNumberId ? (await findNumber(ctx, f.phoneNumberId)).wabaId : undefined);
  if (waba) where.push(eq(templates.wabaId, waba));
  if (f.status?.length) where.push(inArray(templates.status, f.status.map((s) => s.toUpperCase())));
  if (f.category?.length) where.push(inArray(templates.category, f.category.map((s) => s.toUpperCase())));
  if (f.language?.length) where.push(inArray(templates.language, f.language));
  if (f.q) where.push(ilike(templates.name, `%${likeLiteral(f.q)}%`));
  const cond = where.length ? and(...where) : undefined;
  const rows = await ctx.store.db
    .select()
    .from(templates)
    .where(cond)
    .orderBy(asc(templates.name), asc(templates.language))
    .limit(Math.min(f.limit ?? 100, 500))
    .offset(f.offset ?? 0);
  const [count] = await ctx.store.db.select({ n: sql<number>`count(*)::int` }).from(templates).where(cond);
  return { data: rows.map(templateView), total: count?.n ?? 0 };
}

// --- validation ---

export interface ValidationResult {
  ok: boolean;
  problems: EditorProblem[];
  variables: ReturnType<typeof mappingSlots>;
  preview: TemplatePreview;
}

/** The core validator plus duplicate wording against the stored library of the WABA. */
export async function validateDefinition(ctx: AppContext, wabaId: string | null, def: unknown, exceptId?: string): Promise<ValidationResult> {
  const existing = wabaId ? await libraryOf(ctx.store.db, wabaId, exceptId) : [];
  const problems = editorProblems(validateTemplate(def, { existing }));
  const isObj = typeof def === 'object' && def !== null && !Array.isArray(def);
  return {
    ok: problems.length === 0,
    problems,
    variables: isObj ? mappingSlots(def as Parameters<typeof mappingSlots>[0]) : [],
    preview: renderPreview(def),
  };
}

function refuseInvalid(problems: EditorProblem[]): never {
  const first = problems[0]!;
  const more = problems.length > 1 ? ` ${problems.length - 1} more problem(s) in details.` : '';
  throw new HttpError(
    422,
    'template_invalid',
    `Not sent to WhatsApp: ${first.message} (rule ${first.code}: ${first.rule}${first.metaCode ? `; Meta would answer ${first.metaCode}` : ''}).${more}`,
    { problems },
  );
}

function metaError(e: unknown): never {
  if (e instanceof CloudApiError) {
    throw new HttpError(e.retryable ? 502 : 422, 'whatsapp_error', `WhatsApp refused the request: ${e.details ?? e.title} (error ${e.code}). ${e.info.advice.en}`, {
      code: e.code,
      title: e.title,
      details: e.details,
    });
  }
  throw e;
}

function refuseMapping(problems: MappingProblem[]): void {
  if (problems.length === 0) return;
  throw new HttpError(422, 'mapping_invalid', `${problems[0]!.message}${problems.length > 1 ? ` ${problems.length - 1} more problem(s) in details.` : ''}`, { problems });
}

// --- writes ---

export interface DraftInput {
  wabaId?: string | undefined;
  phoneNumberId?: string | undefined;
  name: string;
  language: string;
  category: string;
  parameter_format?: string | undefined;
  components: unknown[];
  mapping?: TemplateMapping | null | undefined;
}

function normFormat(f: string | undefined | null): string {
  return (f ?? 'positional').toLowerCase() === 'named' ? 'named' : 'positional';
}

function historySql(entry: HistoryEntry) {
  return sql`${templates.history} || ${JSON.stringify([entry])}::jsonb` as unknown as HistoryEntry[];
}

export async function createDraft(ctx: AppContext, input: DraftInput): Promise<TemplateRow> {
  const wabaId = await resolveWaba(ctx, input);
  const now = ctx.clock.now();
  const values = { name: input.name, language: input.language, category: input.category.toUpperCase(), parameterFormat: normFormat(input.parameter_format), components: input.components };
  if (input.mapping) refuseMapping(checkMapping({ ...values, parameter_format: values.parameterFormat }, input.mapping));
  const history: HistoryEntry[] = [{ status: 'DRAFT', at: now.toISOString(), source: 'api', event: 'created' }];
  const [row] = await ctx.store.db
    .insert(templates)
    .values({ wabaId, ...values, mapping: input.mapping ?? null, status: 'DRAFT', history, createdAt: now, updatedAt: now })
    .onConflictDoNothing()
    .returning();
  if (!row) {
    throw new HttpError(409, 'template_exists', `A template "${input.name}" in ${input.language} already exists in this WhatsApp Business Account. Edit it, or choose another name or language.`, {
      field: 'name',
    });
  }
  return row;
}

/** Submit a draft to Meta (`POST /{WABA}/message_templates`), refused here when the validator finds problems. */
export async function submitTemplate(ctx: AppContext, id: string): Promise<TemplateRow> {
  const row = await getTemplateRow(ctx.store.db, id);
  if (row.status !== 'DRAFT') {
    throw new HttpError(409, 'already_submitted', `This template was already submitted (status ${row.status}). To change it, edit it (PATCH) when it is approved, rejected or paused.`, {
      status: row.status,
    });
  }
  const def = definitionOf(row);
  const check = await validateDefinition(ctx, row.wabaId, def, row.id);
  if (!check.ok) refuseInvalid(check.problems);
  const number = await numberForWaba(ctx.store.db, row.wabaId);
  let created: { id: string; status: string; category: string | null };
  try {
    created = await cloudApiFor(ctx).createTemplate(number, def);
  } catch (e) {
    metaError(e);
  }
  const now = ctx.clock.now();
  const status = created.status.toUpperCase();
  const entry: HistoryEntry = { status, at: now.toISOString(), source: 'api', event: 'submitted' };
  // A review webhook may have landed between Meta's answer and this write; only a still-DRAFT row takes the answer's status.
  const [updated] = await ctx.store.db
    .update(templates)
    .set({ metaId: created.id, status, ...(created.category ? { category: created.category.toUpperCase() } : {}), history: historySql(entry), updatedAt: now })
    .where(and(eq(templates.id, row.id), eq(templates.status, 'DRAFT')))
    .returning();
  const final = updated ?? (await ctx.store.db.update(templates).set({ metaId: created.id }).where(eq(templates.id, row.id)).returning())[0]!;
  ctx.events.emit('template.updated', { templateId: final.id, status: final.status });
  return final;
}

export interface TemplatePatch {
  name?: string | undefined;
  language?: string | undefined;
  category?: string | undefined;
  parameter_format?: string | undefined;
  components?: unknown[] | undefined;
  mapping?: TemplateMapping | null | undefined;
}

/**
 * Drafts change freely. A submitted template's category/components are edited at Meta (`POST /{id}`) within
 * Meta's limits, after the validator passes; its mapping is ours and changes any time.
 */
export async function updateTemplate(ctx: AppContext, id: string, patch: TemplatePatch): Promise<TemplateRow> {
  const db = ctx.store.db;
  const row = await getTemplateRow(db, id);
  const now = ctx.clock.now();
  const next = {
    name: patch.name ?? row.name,
    language: patch.language ?? row.language,
    category: (patch.category ?? row.category).toUpperCase(),
    parameterFormat: patch.parameter_format !== undefined ? normFormat(patch.parameter_format) : row.parameterFormat,
    components: patch.components ?? (row.components as unknown[]),
  };
  const mapping = patch.mapping !== undefined ? patch.mapping : (row.mapping as TemplateMapping | null);
  if (patch.mapping !== undefined || patch.components !== undefined || patch.parameter_format !== undefined) {
    refuseMapping(checkMapping({ ...next, parameter_format: next.parameterFormat }, mapping));
  }

  if (row.status === 'DRAFT') {
    const [updated] = await db
      .update(templates)
      .set({ ...next, mapping, updatedAt: now })
      .where(eq(templates.id, row.id))
      .returning()
      .catch((e: unknown) => {
        if (String((e as { cause?: { code?: string } }).cause?.code ?? (e as { code?: string }).code) === '23505') {
          throw new HttpError(409, 'template_exists', `A template "${next.name}" in ${next.language} already exists in this WhatsApp Business Account.`, { field: 'name' });
        }
        throw e;
      });
    return updated!;
  }

  if ((patch.name !== undefined && patch.name !== row.name) || (patch.language !== undefined && patch.language !== row.language)) {
    throw new HttpError(422, 'immutable_field', 'The name and language of a submitted template cannot change. Create a new template instead.', {
      field: patch.name !== undefined && patch.name !== row.name ? 'name' : 'language',
    });
  }
  const metaChange =
    (patch.category !== undefined && next.category !== row.category) ||
    (patch.components !== undefined && JSON.stringify(patch.components) !== JSON.stringify(row.components)) ||
    (patch.parameter_format !== undefined && next.parameterFormat !== row.parameterFormat);
  if (!metaChange) {
    const [updated] = await db.update(templates).set({ mapping, updatedAt: now }).where(eq(templates.id, row.id)).returning();
    return updated!;
  }

  const history = asHistory(row.history);
  const refusal = checkEdit({ status: row.status, category: row.category, history }, patch.category !== undefined ? { category: next.category } : {}, now);
  if (refusal) throw new HttpError(422, refusal.code, refusal.message, refusal.details);
  const def = { name: next.name, language: next.language, category: next.category, parameter_format: next.parameterFormat, components: next.components };
  const check = await validateDefinition(ctx, row.wabaId, def, row.id);
  if (!check.ok) refuseInvalid(check.problems);
  if (!row.metaId) throw new HttpError(409, 'not_linked', 'This template has no WhatsApp id yet; sync templates (POST /api/v1/templates/sync) and try again.');
  const number = await numberForWaba(db, row.wabaId);
  const body: Record<string, unknown> = { components: next.components };
  if (next.category !== row.category) body.category = next.category;
  if (next.parameterFormat !== row.parameterFormat) body.parameter_format = next.parameterFormat;
  try {
    await cloudApiFor(ctx).editTemplate(number, row.metaId, body);
  } catch (e) {
    metaError(e);
  }
  const entry: HistoryEntry = { status: 'PENDING', at: now.toISOString(), source: 'api', event: 'edited' };
  const [updated] = await db
    .update(templates)
    .set({
      category: next.category,
      parameterFormat: next.parameterFormat,
      components: next.components,
      mapping,
      // A review webhook may already have answered; only the status we edited from becomes PENDING.
      status: sql`case when ${templates.status} = ${row.status} then 'PENDING' else ${templates.status} end`,
      rejectionReason: null,
      pausedUntil: null,
      editsCount: sql`${templates.editsCount} + 1`,
      lastEditedAt: now,
      history: historySql(entry),
      updatedAt: now,
    })
    .where(eq(templates.id, row.id))
    .returning();
  ctx.events.emit('template.updated', { templateId: updated!.id, status: updated!.status });
  return updated!;
}

/** Delete one language, or every language of the name (`allLanguages`). Drafts are deleted locally only. */
export async function deleteTemplate(ctx: AppContext, id: string, options: { allLanguages?: boolean } = {}): Promise<{ deleted: string[] }> {
  const db = ctx.store.db;
  const row = await getTemplateRow(db, id);
  const targets = options.allLanguages ? await db.select().from(templates).where(and(eq(templates.wabaId, row.wabaId), eq(templates.name, row.name))) : [row];
  for (const t of targets) {
    const refusal = deleteRefusal(t.status);
    if (refusal) throw new HttpError(422, 'template_disabled', `${t.name} (${t.language}): ${refusal}`, { templateId: t.id, status: t.status });
  }
  const submitted = targets.filter((t) => t.metaId);
  if (submitted.length > 0) {
    const number = await numberForWaba(db, row.wabaId);
    try {
      if (options.allLanguages) await cloudApiFor(ctx).deleteTemplate(number, row.name);
      else await cloudApiFor(ctx).deleteTemplate(number, row.name, row.metaId!);
    } catch (e) {
      metaError(e);
    }
  }
  const ids = targets.map((t) => t.id);
  await db.delete(templates).where(inArray(templates.id, ids));
  for (const t of ids) ctx.events.emit('template.updated', { templateId: t, status: 'DELETED' });
  return { deleted: ids };
}

export async function unpauseTemplate(ctx: AppContext, id: string): Promise<TemplateRow> {
  const db = ctx.store.db;
  const row = await getTemplateRow(db, id);
  if (row.status !== 'PAUSED') throw new HttpError(409, 'template_not_paused', `The template is ${row.status.toLowerCase()}, not paused.`, { status: row.status });
  if (!row.metaId) throw new HttpError(409, 'not_linked', 'This template has no WhatsApp id yet; sync templates and try again.');
  const number = await numberForWaba(db, row.wabaId);
  try {
    await cloudApiFor(ctx).unpauseTemplate(number, row.metaId);
  } catch (e) {
    metaError(e);
  }
  const now = ctx.clock.now();
  const entry: HistoryEntry = { status: 'APPROVED', at: now.toISOString(), source: 'api', event: 'unpaused' };
  const [updated] = await db
    .update(templates)
    .set({ status: 'APPROVED', pausedUntil: null, history: historySql(entry), updatedAt: now })
    .where(and(eq(templates.id, row.id), eq(templates.status, 'PAUSED')))
    .returning();
  const final = updated ?? (await getTemplateRow(db, row.id));
  ctx.events.emit('template.updated', { templateId: final.id, status: final.status });
  return final;
}

// --- preview and send ---

/** A contact's values for mapping (contact, custom and organization fields). */
export async function contactFacts(db: Db, contactId: string): Promise<{ id: string; facts: ContactFacts }> {
  const [c] = UUID.test(contactId) ? await db.select().from(contacts).where(eq(contacts.id, contactId)) : [];
  if (!c) throw new HttpError(404, 'contact_not_found', `There is no contact ${contactId}.`, { field: 'contactId' });
  const [org] = c.organizationId ? await db.select().from(organizations).where(eq(organizations.id, c.organizationId)) : [];
  return {
    id: c.id,
    facts: {
      name: c.name,
      profileName: c.profileName,
      phone: c.e164,
      waId: c.waId,
      email: c.email,
      username: c.username,
      country: c.country,
      timeZone: c.timeZone,
      fields: (c.fields as Record<string, unknown>) ?? {},
      organization: org ? { name: org.name, domain: org.domain, fields: (org.fields as Record<string, unknown>) ?? {} } : null,
    },
  };
}

/** The contact a phone number belongs to, when we know them. */
async function contactByPhone(db: Db, to: string): Promise<string | null> {
  const p = parsePhone(to.trim().startsWith('+') ? to : `+${to.replace(/\D/g, '')}`);
  if (!p.ok) return null;
  const [c] = await db.select({ id: contacts.id }).from(contacts).where(eq(contacts.waId, p.value.waId));
  return c?.id ?? null;
}

export interface PreviewResult {
  preview: TemplatePreview;
  variables: ResolvedVariable[];
  problems: MappingProblem[];
  /** True when every variable has a value and the send would pass preflight's parameter checks. */
  complete: boolean;
  /** The Cloud API `template` object that would be sent. */
  template: Record<string, unknown>;
}

export async function previewTemplate(ctx: AppContext, id: string, input: { contactId?: string | undefined; values?: SendTimeValues | undefined }): Promise<PreviewResult> {
  const row = await getTemplateRow(ctx.store.db, id);
  const facts = input.contactId ? (await contactFacts(ctx.store.db, input.contactId)).facts : null;
  const def = definitionOf(row);
  const built = buildTemplateSend(def, row.mapping as TemplateMapping | null, facts, input.values ?? {});
  return {
    preview: renderPreview(def, built.preview),
    variables: built.variables,
    problems: built.problems,
    complete: built.problems.length === 0,
    template: built.body.template,
  };
}

export interface SendInput {
  phoneNumberId: string;
  contactId?: string | undefined;
  to?: string | undefined;
  values?: SendTimeValues | undefined;
  priority?: number | undefined;
  notBefore?: Date | undefined;
}

/** Fill the template for the recipient and queue it (preflight runs inside enqueueMessage). */
export async function sendTemplate(ctx: AppContext, id: string, input: SendInput, options: { wake?: () => void } = {}): Promise<MessageView> {
  const db = ctx.store.db;
  const row = await getTemplateRow(db, id);
  const number = await findNumber(ctx, input.phoneNumberId);
  if (number.wabaId !== row.wabaId) {
    throw new HttpError(422, 'template_other_waba', `The template belongs to WhatsApp Business Account ${row.wabaId}, but the number ${number.displayPhoneNumber} is in ${number.wabaId}. Send from one of its numbers.`, {
      field: 'phoneNumberId',
    });
  }
  if (!input.contactId && !input.to) throw new HttpError(400, 'recipient_required', 'Say who receives the template: contactId or to.', { field: 'to' });
  const contactId = input.contactId ?? (input.to ? await contactByPhone(db, input.to) : null);
  const facts = contactId ? (await contactFacts(db, contactId)).facts : input.to ? { phone: input.to } : null;
  const built = buildTemplateSend(definitionOf(row), row.mapping as TemplateMapping | null, facts, input.values ?? {});
  if (built.problems.length > 0) {
    const first = built.problems[0]!;
    throw new HttpError(422, 'template_values_invalid', `${first.message}${built.problems.length > 1 ? ` ${built.problems.length - 1} more problem(s) in details.` : ''}`, {
      problems: built.problems,
      variables: built.variables,
    });
  }
  const enqueue: EnqueueInput = { phoneNumberId: number.id, body: built.body };
  if (input.contactId) enqueue.contactId = input.contactId;
  else if (input.to) enqueue.to = input.to;
  if (input.priority !== undefined) enqueue.priority = input.priority;
  if (input.notBefore) enqueue.notBefore = input.notBefore;
  return enqueueMessage(ctx, enqueue, options.wake ? { wake: options.wake } : {});
}
