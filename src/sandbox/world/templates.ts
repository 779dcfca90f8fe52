import type { Engine } from '../engine.ts';
import { GraphError, badParam } from '../errors.ts';
import { numericId } from '../ids.ts';
import { parseTemplateDraft, reviewTemplate } from '../rules/template-create.ts';
import type { Template, TemplateStatus } from '../rules/template-model.ts';
import { webhookLanguage } from '../webhooks/payloads.ts';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

function emitStatusUpdate(e: Engine, t: Template, event: string, extra: Record<string, unknown> = {}): void {
  e.hooks.field('message_template_status_update', Math.floor(e.clock.now() / 1000), {
    event,
    message_template_id: Number(t.id),
    message_template_name: t.name,
    message_template_language: webhookLanguage(t.language),
    reason: extra.reason ?? 'NONE',
    message_template_category: t.category,
    ...extra,
  });
}

/** POST /{waba_id}/message_templates */
export function createTemplate(e: Engine, body: unknown): { id: string; status: TemplateStatus; category: string } {
  const draft = parseTemplateDraft(body) as Required<ReturnType<typeof parseTemplateDraft>>;
  const clash = e.world.templatesNamed(draft.name).find((t) => t.language === draft.language);
  if (clash) throw new GraphError(100, `Content in this language already exists: template ${draft.name} (${draft.language}).`, { subcode: 2388024 });
  const now = e.clock.now();
  const t: Template = {
    id: numericId(e.rng, 16),
    wabaId: e.world.waba.id,
    name: draft.name,
    language: draft.language,
    category: draft.category,
    parameterFormat: draft.parameterFormat,
    components: draft.components,
    status: 'PENDING',
    qualityScore: 'UNKNOWN',
    rejectedReason: 'NONE',
    pauseCount: 0,
    createdAt: now,
    edits: [],
  };
  e.world.templates.set(t.id, t);
  scheduleReview(e, t);
  return { id: t.id, status: t.status, category: t.category };
}

function scheduleReview(e: Engine, t: Template): void {
  const version = t.edits.length;
  e.clock.schedule(e.clock.now() + e.opts.delays.templateReviewMs, () => {
    // A later edit restarts the review; this one no longer applies.
    if (t.status !== 'PENDING' || t.edits.length !== version) return;
    const outcome = reviewTemplate(t);
    if (outcome.status === 'APPROVED') {
      const previous = t.category;
      t.status = 'APPROVED';
      t.qualityScore = 'UNKNOWN';
      t.category = outcome.category;
      emitStatusUpdate(e, t, 'APPROVED');
      if (previous !== t.category) {
        e.hooks.field('template_category_update', Math.floor(e.clock.now() / 1000), {
          message_template_id: Number(t.id),
          message_template_name: t.name,
          message_template_language: webhookLanguage(t.language),
          previous_category: previous,
          new_category: t.category,
        });
      }
    } else {
      t.status = 'REJECTED';
      t.rejectedReason = outcome.reason;
      emitStatusUpdate(e, t, 'REJECTED', {
        reason: outcome.reason,
        rejection_info: { reason: outcome.detail, recommendation: 'Edit the template to follow the template guidelines and submit it again.' },
      });
    }
  });
}

/** POST /{template_id}: edit category and/or components; only approved, rejected or paused ones. */
export function editTemplate(e: Engine, t: Template, body: unknown): { success: true; id: string; category: string } {
  if (!['APPROVED', 'REJECTED', 'PAUSED'].includes(t.status)) {
    throw badParam(`Template ${t.id} cannot be edited while its status is ${t.status}.`);
  }
  const patch = parseTemplateDraft(body, true);
  const now = e.clock.now();
  if (t.status === 'APPROVED') {
    if (patch.category && patch.category !== t.category) throw badParam('The category of an approved template cannot be changed.');
    const recent = t.edits.filter((at) => now - at < 30 * DAY);
    if (recent.some((at) => now - at < DAY)) throw badParam('An approved template can be edited once every 24 hours.');
    if (recent.length >= 10) throw badParam('An approved template can be edited at most 10 times in 30 days.');
  }
  if (patch.category) t.category = patch.category;
  if (patch.components) t.components = patch.components;
  if (patch.parameterFormat) t.parameterFormat = patch.parameterFormat;
  t.edits.push(now);
  t.status = 'PENDING';
  scheduleReview(e, t);
  return { success: true, id: t.id, category: t.category };
}

/** DELETE /{waba_id}/message_templates?name=…[&hsm_id=…] */
export function deleteTemplates(e: Engine, name: string | undefined, hsmId: string | undefined): { success: true } {
  if (!name) throw new GraphError(131008, 'The parameter name is required.');
  const targets = e.world.templatesNamed(name).filter((t) => hsmId === undefined || t.id === hsmId);
  if (targets.length === 0) throw badParam(`Template ${name} does not exist.`);
  if (targets.some((t) => t.status === 'DISABLED')) throw badParam('Disabled templates cannot be deleted.');
  for (const t of targets) {
    t.status = 'DELETED';
    e.world.templates.delete(t.id);
  }
  return { success: true };
}

/**
 * Set a template's status (control API, or quality pausing): emits the status webhook.
 * PAUSED follows Meta's escalation: 3 h, then 6 h, then DISABLED.
 */
export function setTemplateStatus(e: Engine, t: Template, status: TemplateStatus, reason?: string): Template {
  const now = e.clock.now();
  if (status === 'PAUSED') {
    t.pauseCount++;
    t.qualityScore = 'RED';
    if (t.pauseCount >= 3) {
      t.status = 'DISABLED';
      emitStatusUpdate(e, t, 'DISABLED', { other_info: { title: 'DISABLED', description: 'Template disabled after repeated low quality.' }, disable_info: { disable_date: Math.floor(now / 1000) } });
      return t;
    }
    t.status = 'PAUSED';
    const hours = t.pauseCount === 1 ? 3 : 6;
    emitStatusUpdate(e, t, 'PAUSED', {
      other_info: { title: t.pauseCount === 1 ? 'FIRST_PAUSE' : 'SECOND_PAUSE', description: `Paused for ${hours} hours because of low quality.` },
    });
    const pausedAt = t.pauseCount;
    e.clock.schedule(now + hours * HOUR, () => {
      if (t.status === 'PAUSED' && t.pauseCount === pausedAt) unpause(e, t);
    });
    return t;
  }
  t.status = status;
  if (status === 'REJECTED') t.rejectedReason = reason ?? 'INVALID_FORMAT';
  emitStatusUpdate(e, t, status, reason ? { reason } : {});
  return t;
}

export function unpause(e: Engine, t: Template): { success: true } {
  if (t.status !== 'PAUSED') throw badParam(`Template ${t.id} is not paused (status ${t.status}).`);
  t.status = 'APPROVED';
  t.qualityScore = 'YELLOW';
  emitStatusUpdate(e, t, 'APPROVED', { other_info: { title: 'UNPAUSE', description: 'The template is no longer paused.' } });
  return { success: true };
}

const ALL_FIELDS = ['name', 'parameter_format', 'components', 'language', 'status', 'category', 'id', 'quality_score', 'rejected_reason'];

/** A template as the Graph API returns it, limited to `fields` when given. */
export function templateView(t: Template, fields?: string[]): Record<string, unknown> {
  const full: Record<string, unknown> = {
    name: t.name,
    parameter_format: t.parameterFormat,
    components: t.components,
    language: t.language,
    status: t.status,
    category: t.category,
    id: t.id,
    quality_score: { score: t.qualityScore, date: Math.floor(t.createdAt / 1000) },
    rejected_reason: t.rejectedReason,
  };
  const wanted = fields && fields.length > 0 ? fields : ALL_FIELDS.slice(0, 7);
  const out: Record<string, unknown> = {};
  for (const f of wanted) {
    if (!(f in full)) throw badParam(`Tried accessing nonexisting field (${f}) on node type (WhatsAppMessageTemplate)`);
    out[f] = full[f];
  }
  out.id = t.id;
  return out;
}
