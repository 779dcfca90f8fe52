// HTTP for the template library (docs/templates.md). Auth is added around this plugin at app assembly.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { HttpError } from '../http/errors.ts';
import { CONTACT_SOURCES, ORGANIZATION_SOURCES } from './mapping.ts';
import { listFields } from '../crm/fields.ts';
import {
  createDraft, deleteTemplate, getTemplateRow, listTemplates, previewTemplate, resolveWaba, sendTemplate, submitTemplate, templateDetail,
  templateView, unpauseTemplate, updateTemplate, validateDefinition,
} from './service.ts';
import { syncAll } from './sync.ts';

export interface TemplateRoutesOptions {
  ctx: AppContext;
  /** The local dispatcher's wake(), so template sends leave at once. */
  wake?: () => void;
}

const variableMapping = z.object({
  from: z.string().min(1),
  value: z.string().optional(),
  key: z.string().optional(),
  fallback: z.string().optional(),
  type: z.enum(['text', 'currency', 'date_time']).optional(),
  currency: z.string().optional(),
});
const mappingSchema = z.object({
  header: z.record(z.string(), variableMapping).optional(),
  body: z.record(z.string(), variableMapping).optional(),
  buttons: z.record(z.string(), variableMapping).optional(),
});
// Shape only: every authoring rule is checked by the core validator, which answers with positions.
const definitionFields = {
  name: z.string().min(1).max(512),
  language: z.string().min(1).max(16),
  category: z.string().min(1).max(32),
  parameter_format: z.string().optional(),
  components: z.array(z.unknown()),
};
const idParams = z.object({ id: z.string() });
const list = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? undefined : (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).map((s) => s.trim()).filter(Boolean)));
const values = z.record(z.string(), z.unknown()).optional();

export const templateRoutes: FastifyPluginAsyncZod<TemplateRoutesOptions> = async (app, opts) => {
  const { ctx } = opts;

  app.get(
    '/api/v1/templates',
    {
      schema: {
        tags: ['templates'],
        summary: 'The template library, filtered by status, category, language, WABA or number, and name',
        querystring: z.object({
          wabaId: z.string().optional(),
          phoneNumberId: z.string().optional(),
          status: list,
          category: list,
          language: list,
          q: z.string().optional(),
          limit: z.coerce.number().int().min(1).max(500).optional(),
          offset: z.coerce.number().int().min(0).optional(),
        }),
      },
    },
    async (request) => listTemplates(ctx, request.query),
  );

  app.post(
    '/api/v1/templates',
    {
      schema: {
        tags: ['templates'],
        summary: 'Create a draft (submit: true also submits it to WhatsApp when it passes validation)',
        body: z.object({
          wabaId: z.string().optional(),
          phoneNumberId: z.string().optional(),
          ...definitionFields,
          mapping: mappingSchema.nullable().optional(),
          submit: z.boolean().optional(),
        }),
      },
    },
    async (request, reply) => {
      const { submit, ...input } = request.body;
      let row = await createDraft(ctx, input);
      if (submit) {
        try {
          row = await submitTemplate(ctx, row.id);
        } catch (err) {
          // The draft stays, so the editor can fix it; the refusal says why it was not sent.
          if (err instanceof HttpError) {
            throw new HttpError(err.statusCode, err.code, err.message, { ...(err.details as object), draft: templateView(row) });
          }
          throw err;
        }
      }
      return reply.status(201).send(await templateDetail(ctx, row));
    },
  );

  app.post(
    '/api/v1/templates/validate',
    {
      schema: {
        tags: ['templates'],
        summary: 'Check a definition as it is typed: problems with path, field and position; duplicates against the library',
        body: z.object({
          template: z.unknown(),
          wabaId: z.string().optional(),
          phoneNumberId: z.string().optional(),
          /** The stored template being edited (its own wording is not a duplicate). */
          templateId: z.string().optional(),
        }),
      },
    },
    async (request) => {
      const b = request.body;
      let waba: string | null;
      let exceptId: string | undefined;
      if (b.templateId) {
        const row = await getTemplateRow(ctx.store.db, b.templateId);
        waba = row.wabaId;
        exceptId = row.id;
      } else {
        waba = await resolveWaba(ctx, b).catch(() => null);
      }
      return validateDefinition(ctx, waba, b.template, exceptId);
    },
  );

  app.post(
    '/api/v1/templates/sync',
    { schema: { tags: ['templates'], summary: 'Read templates from WhatsApp now (all WABAs, or one)', body: z.object({ wabaId: z.string().optional() }).optional() } },
    async (request) => ({ data: await syncAll(ctx, request.body?.wabaId) }),
  );

  app.get(
    '/api/v1/templates/sources',
    { schema: { tags: ['templates'], summary: 'What a variable can be mapped to: contact, custom and organization fields, fixed, send-time' } },
    async () => {
      const fields = await listFields(ctx.store.db);
      return {
        contact: CONTACT_SOURCES.map((s) => ({ from: s })),
        custom: fields.filter((f) => f.entity === 'contact').map((f) => ({ from: `field.${f.key}`, label: f.label, type: f.type })),
        organization: [
          ...ORGANIZATION_SOURCES.map((s) => ({ from: s })),
          ...fields.filter((f) => f.entity === 'organization').map((f) => ({ from: `org.field.${f.key}`, label: f.label, type: f.type })),
        ],
        other: [{ from: 'fixed' }, { from: 'send' }],
      };
    },
  );

  app.get(
    '/api/v1/templates/:id',
    { schema: { tags: ['templates'], summary: 'A template with history, variables, problems, preview and what editing allows now', params: idParams } },
    async (request) => templateDetail(ctx, await getTemplateRow(ctx.store.db, request.params.id)),
  );

  app.patch(
    '/api/v1/templates/:id',
    {
      schema: {
        tags: ['templates'],
        summary: 'Change a draft, edit a submitted template at WhatsApp (within its limits), or change the mapping',
        params: idParams,
        body: z.object({
          name: definitionFields.name.optional(),
          language: definitionFields.language.optional(),
          category: definitionFields.category.optional(),
          parameter_format: z.string().optional(),
          components: z.array(z.unknown()).optional(),
          mapping: mappingSchema.nullable().optional(),
        }),
      },
    },
    async (request) => templateDetail(ctx, await updateTemplate(ctx, request.params.id, request.body)),
  );

  app.put(
    '/api/v1/templates/:id/mapping',
    { schema: { tags: ['templates'], summary: 'Set how each variable is filled', params: idParams, body: z.object({ mapping: mappingSchema.nullable() }) } },
    async (request) => templateDetail(ctx, await updateTemplate(ctx, request.params.id, { mapping: request.body.mapping })),
  );

  app.post(
    '/api/v1/templates/:id/submit',
    { schema: { tags: ['templates'], summary: 'Submit a draft to WhatsApp; refused here, with the rule named, if it breaks one', params: idParams } },
    async (request) => templateDetail(ctx, await submitTemplate(ctx, request.params.id)),
  );

  app.delete(
    '/api/v1/templates/:id',
    {
      schema: {
        tags: ['templates'],
        summary: 'Delete this language, or every language of the name (allLanguages=true); disabled templates cannot be deleted',
        params: idParams,
        querystring: z.object({ allLanguages: z.enum(['true', 'false']).optional() }),
      },
    },
    async (request) => deleteTemplate(ctx, request.params.id, { allLanguages: request.query.allLanguages === 'true' }),
  );

  app.post(
    '/api/v1/templates/:id/unpause',
    { schema: { tags: ['templates'], summary: 'Ask WhatsApp to unpause a paused template', params: idParams } },
    async (request) => templateDetail(ctx, await unpauseTemplate(ctx, request.params.id)),
  );

  app.post(
    '/api/v1/templates/:id/preview',
    {
      schema: {
        tags: ['templates'],
        summary: "What WhatsApp shows, filled with a contact's values and send-time values",
        params: idParams,
        body: z.object({ contactId: z.string().optional(), values }).optional(),
      },
    },
    async (request) => previewTemplate(ctx, request.params.id, request.body ?? {}),
  );

  app.post(
    '/api/v1/templates/:id/send',
    {
      schema: {
        tags: ['templates'],
        summary: 'Fill the template for a recipient and queue it (preflight: approved, not paused, consent, parameters)',
        params: idParams,
        body: z.object({
          phoneNumberId: z.string().min(1),
          contactId: z.string().optional(),
          to: z.string().optional(),
          values,
          priority: z.number().int().min(0).max(1000).optional(),
          notBefore: z.iso.datetime({ offset: true }).optional(),
        }),
      },
    },
    async (request, reply) => {
      const b = request.body;
      const view = await sendTemplate(
        ctx,
        request.params.id,
        { phoneNumberId: b.phoneNumberId, contactId: b.contactId, to: b.to, values: b.values, priority: b.priority, notBefore: b.notBefore ? new Date(b.notBefore) : undefined },
        opts.wake ? { wake: opts.wake } : {},
      );
      return reply.status(202).send(view);
    },
  );
};
