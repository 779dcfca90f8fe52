import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { CONSENT_CATEGORIES, CONSENT_SOURCES, DEFAULT_CONSENT_KEYWORDS } from '../core/consent.ts';
import { FIELD_TYPES } from '../core/fields.ts';
import { HttpError } from '../http/errors.ts';
import { consentHistory, consentKeywords, consentOf, recordConsent, setConsentKeywords } from './consent.ts';
import {
  CONTACT_KINDS, contactDetail, contactMessages, copyMessageToField, createContact, findDuplicates, getContactRow, listContacts,
  mergeContactRecords, updateContact,
} from './contacts.ts';
import { createField, deleteField, listFields, updateField } from './fields.ts';
import { CONTACT_SORTS } from './contact-sort.ts';
import { createOrganization, deleteOrganization, listOrganizations, ORGANIZATION_KINDS, organizationDetail, updateOrganization } from './organizations.ts';
import { addSuppression, listSuppressions, removeSuppression } from './suppressions.ts';
import { listTags, tagContact, untagContact } from './tags.ts';
import type { SQL } from 'drizzle-orm';

const id = z.object({ id: z.uuid() });
const nullableText = z.string().max(500).nullable().optional();
const contactBody = z.object({
  phone: z.string().max(40).nullable().optional().describe('any format; national numbers need defaultCountry'),
  bsuid: z.string().max(160).nullable().optional(),
  username: nullableText,
  name: nullableText,
  email: z.string().max(254).nullable().optional(),
  kind: z.enum(CONTACT_KINDS).optional(),
  organizationId: z.uuid().nullable().optional(),
  ownerId: z.uuid().nullable().optional(),
  preferredLanguage: z.string().max(16).nullable().optional(),
  timeZone: z.string().max(64).nullable().optional(),
  fields: z.record(z.string(), z.unknown()).optional(),
  tags: z.array(z.string().min(1).max(64)).max(100).optional(),
  defaultCountry: z.string().length(2).optional(),
});

export interface CrmRouteOptions {
  ctx: AppContext;
  /** Compile a segment filter to a WHERE fragment (from the segments capability), when available. */
  segmentWhere?: (filter: string) => Promise<SQL>;
}

/** Contacts, organizations, custom fields, tags, consent and suppressions. */
export const crmRoutes: FastifyPluginAsyncZod<CrmRouteOptions> = async (app, { ctx, segmentWhere }) => {
  const db = ctx.store.db;

  app.get(
    '/api/v1/contacts',
    {
      schema: {
        tags: ['contacts'],
        summary: 'List and search contacts, sorted (newest first by default), by cursor',
        querystring: z.object({
          q: z.string().max(100).optional().describe('name prefix, number prefix or exact e-mail'),
          kind: z.enum(CONTACT_KINDS).optional(),
          tag: z.string().optional(),
          organizationId: z.uuid().optional(),
          segment: z.string().max(4000).optional().describe('a segment filter (see docs/segments.md)'),
          sort: z.enum(CONTACT_SORTS).optional().describe('created, name (the display name, accents folded) or last_inbound (never wrote: last); "-" first for descending. Default -created'),
          cursor: z.string().optional().describe('nextCursor of the previous page, with the same sort'),
          limit: z.coerce.number().int().min(1).max(200).optional(),
        }),
      },
    },
    async (request) => {
      const { segment, ...rest } = request.query;
      let where: SQL | undefined;
      if (segment) {
        if (!segmentWhere) throw new HttpError(501, 'segments_unavailable', 'Segment filters are not available in this build.');
        where = await segmentWhere(segment);
      }
      return listContacts(db, { ...rest, ...(where ? { where } : {}) });
    },
  );

  app.post('/api/v1/contacts', { schema: { tags: ['contacts'], summary: 'Create a contact (lead by default)', body: contactBody } }, async (request, reply) => {
    reply.status(201);
    return createContact(ctx, request.body);
  });

  const duplicateGroup = z.object({
    reason: z.string(),
    key: z.string(),
    contactIds: z.array(z.string()).describe('oldest first'),
    contacts: z.array(z.object({
      id: z.string(), displayName: z.string().nullable(), phone: z.string().nullable(), email: z.string().nullable(), kind: z.string(), createdAt: z.string(),
      messages: z.number().int().describe('messages in all its conversations'), lastMessageAt: z.string().nullable(),
    })),
  });
  app.get('/api/v1/contacts/duplicates', {
    schema: { tags: ['contacts'], summary: 'Contacts that look like the same person (same e-mail, or one phone number in two forms)', response: { 200: z.object({ data: z.array(duplicateGroup) }) } },
  }, async () => ({ data: await findDuplicates(db) }));

  app.get('/api/v1/contacts/:id', { schema: { tags: ['contacts'], summary: 'A contact with tags, organization, consent and conversations', params: id } }, async (request) =>
    contactDetail(ctx, request.params.id),
  );

  app.patch('/api/v1/contacts/:id', { schema: { tags: ['contacts'], summary: 'Edit a contact (convert unknown → lead/customer with kind)', params: id, body: contactBody } }, async (request) =>
    updateContact(ctx, request.params.id, request.body),
  );

  app.get(
    '/api/v1/contacts/:id/messages',
    { schema: { tags: ['contacts'], summary: 'Full WhatsApp history across numbers', params: id, querystring: z.object({ cursor: z.string().optional(), limit: z.coerce.number().int().min(1).max(200).optional() }) } },
    async (request) => contactMessages(db, request.params.id, request.query),
  );

  app.post(
    '/api/v1/contacts/:id/merge',
    { schema: { tags: ['contacts'], summary: 'Merge another contact into this one, keeping all history', params: id, body: z.object({ otherId: z.uuid() }) } },
    async (request) => mergeContactRecords(ctx, request.params.id, request.body.otherId),
  );

  app.post(
    '/api/v1/contacts/:id/fields/from-message',
    {
      schema: {
        tags: ['contacts'],
        summary: 'Copy the text of a message into a custom field, or into the contact\'s name or e-mail',
        params: id,
        body: z.union([
          z.object({ messageId: z.uuid(), field: z.string().min(1).describe('a custom field key') }).strict(),
          z.object({ messageId: z.uuid(), contactField: z.enum(['name', 'email']).describe('email takes the one address the text carries') }).strict(),
        ]),
      },
    },
    async (request) => {
      const { messageId, ...target } = request.body;
      return copyMessageToField(ctx, request.params.id, messageId, target);
    },
  );

  app.post('/api/v1/contacts/:id/tags', { schema: { tags: ['contacts'], summary: 'Add tags', params: id, body: z.object({ tags: z.array(z.string().min(1).max(64)).min(1).max(100) }) } }, async (request) => {
    await getContactRow(db, request.params.id);
    await tagContact(db, request.params.id, request.body.tags);
    return contactDetail(ctx, request.params.id);
  });

  app.delete('/api/v1/contacts/:id/tags/:tag', { schema: { tags: ['contacts'], summary: 'Remove a tag', params: z.object({ id: z.uuid(), tag: z.string().min(1) }) } }, async (request, reply) => {
    if (!(await untagContact(db, request.params.id, request.params.tag))) throw new HttpError(404, 'tag_not_on_contact', `The contact has no tag "${request.params.tag}".`);
    reply.status(204);
  });

  app.get('/api/v1/contacts/:id/consents', { schema: { tags: ['consent'], summary: 'Consent per category and its history with evidence', params: id } }, async (request) => {
    await getContactRow(db, request.params.id);
    const history = await consentHistory(db, request.params.id);
    return { current: await consentOf(db, request.params.id), history: history.map((h) => ({ ...h, at: h.at.toISOString() })) };
  });

  app.post(
    '/api/v1/contacts/:id/consents',
    {
      schema: {
        tags: ['consent'],
        summary: 'Record an opt-in or opt-out with its evidence',
        params: id,
        body: z.object({
          category: z.enum(CONSENT_CATEGORIES),
          state: z.enum(['opted_in', 'opted_out']),
          source: z.enum(CONSENT_SOURCES).default('api'),
          evidence: z.string().min(1).max(4000).describe('the text the person agreed to, or how they said no'),
          recordedBy: z.string().max(200).optional(),
          at: z.iso.datetime().optional(),
        }),
      },
    },
    async (request, reply) => {
      await getContactRow(db, request.params.id);
      const b = request.body;
      await recordConsent(db, { contactId: request.params.id, category: b.category, state: b.state, source: b.source, evidence: b.evidence, recordedBy: b.recordedBy ?? 'api', at: b.at ? new Date(b.at) : ctx.clock.now() });
      reply.status(201);
      return { current: await consentOf(db, request.params.id) };
    },
  );

  app.get('/api/v1/organizations', { schema: { tags: ['organizations'], summary: 'List organizations', querystring: z.object({ q: z.string().max(100).optional() }) } }, async (request) => ({
    data: await listOrganizations(db, request.query.q),
  }));
  const orgBody = z.object({ name: z.string().min(1).max(200), domain: z.string().max(200).nullable().optional(), kind: z.enum(ORGANIZATION_KINDS).optional(), fields: z.record(z.string(), z.unknown()).optional() });
  app.post('/api/v1/organizations', { schema: { tags: ['organizations'], summary: 'Create an organization', body: orgBody } }, async (request, reply) => {
    reply.status(201);
    return createOrganization(ctx, request.body);
  });
  app.get('/api/v1/organizations/:id', { schema: { tags: ['organizations'], summary: 'An organization with its contacts', params: id } }, async (request) => organizationDetail(db, request.params.id));
  app.patch('/api/v1/organizations/:id', { schema: { tags: ['organizations'], summary: 'Edit an organization', params: id, body: orgBody.partial() } }, async (request) =>
    updateOrganization(ctx, request.params.id, request.body),
  );
  app.delete('/api/v1/organizations/:id', { schema: { tags: ['organizations'], summary: 'Delete an organization (its contacts are kept, unlinked)', params: id } }, async (request, reply) => {
    await deleteOrganization(ctx, request.params.id);
    reply.status(204);
  });

  const entity = z.enum(['contact', 'organization']);
  app.get('/api/v1/fields', { schema: { tags: ['fields'], summary: 'Custom field definitions', querystring: z.object({ entity: entity.optional() }) } }, async (request) => ({
    data: await listFields(db, request.query.entity),
  }));
  app.post(
    '/api/v1/fields',
    { schema: { tags: ['fields'], summary: 'Define a custom field', body: z.object({ entity: entity.default('contact'), key: z.string(), label: z.string(), type: z.enum(FIELD_TYPES), options: z.array(z.string()).nullable().optional(), required: z.boolean().optional() }) } },
    async (request, reply) => {
      reply.status(201);
      return createField(db, request.body);
    },
  );
  app.patch(
    '/api/v1/fields/:id',
    { schema: { tags: ['fields'], summary: 'Edit a custom field', params: id, body: z.object({ label: z.string().optional(), options: z.array(z.string()).nullable().optional(), required: z.boolean().optional() }) } },
    async (request) => updateField(db, request.params.id, request.body),
  );
  app.delete('/api/v1/fields/:id', { schema: { tags: ['fields'], summary: 'Delete a custom field definition (values are kept)', params: id } }, async (request, reply) => {
    await deleteField(db, request.params.id);
    reply.status(204);
  });

  app.get('/api/v1/tags', { schema: { tags: ['tags'], summary: 'Tags with their contact counts' } }, async () => ({ data: await listTags(db) }));

  app.get('/api/v1/suppressions', { schema: { tags: ['consent'], summary: 'Numbers and ids never to be contacted' } }, async () => ({ data: await listSuppressions(db) }));
  app.post(
    '/api/v1/suppressions',
    { schema: { tags: ['consent'], summary: 'Suppress a number or BSUID', body: z.object({ identifier: z.string().min(3).max(160), reason: z.string().max(500).optional(), defaultCountry: z.string().length(2).optional() }) } },
    async (request, reply) => {
      reply.status(201);
      // A person is recorded by user id (the settings screen shows their name); the token as "api".
      return addSuppression(db, { ...request.body, createdBy: request.principal?.userId ?? 'api' });
    },
  );
  app.delete('/api/v1/suppressions/:id', { schema: { tags: ['consent'], summary: 'Lift a suppression', params: id } }, async (request, reply) => {
    if (!(await removeSuppression(db, request.params.id))) throw new HttpError(404, 'suppression_not_found', `No suppression ${request.params.id}.`);
    reply.status(204);
  });

  const keywordsBody = z.object({
    optOut: z.array(z.string().min(1).max(60)).min(1),
    optIn: z.array(z.string().min(1).max(60)),
    confirmations: z.object({ optOut: z.record(z.string(), z.string().max(1024)), optIn: z.record(z.string(), z.string().max(1024)) }).default(DEFAULT_CONSENT_KEYWORDS.confirmations),
  });
  app.get('/api/v1/settings/consent-keywords', { schema: { tags: ['consent'], summary: 'Opt-out / opt-in keywords and their confirmations' } }, async () => consentKeywords(db));
  app.put('/api/v1/settings/consent-keywords', { schema: { tags: ['consent'], summary: 'Change the opt-out / opt-in keywords', body: keywordsBody } }, async (request) => {
    await setConsentKeywords(db, request.body, ctx.clock.now());
    return consentKeywords(db);
  });
};
