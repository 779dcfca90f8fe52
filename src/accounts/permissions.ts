import type { Principal, Role } from './principal.ts';

/**
 * Who may call what. Every /api and /admin route is looked up here by method and route pattern
 * (`GET /api/v1/contacts/:id`); a route without an entry answers 403 for everyone, so a new route
 * is closed until someone decides who may use it (test/accounts/permissions.test.ts lists the gaps).
 *
 * Per-record rules (an agent sees only own and team conversations) are the capability's job, using
 * `request.principal`; this table decides only whether a role may use a route at all.
 */
export const PERMISSIONS = [
  // the signed-in person's own account (sign out, profile); never the API token
  'self',
  // conversations and messages (agents: own and team conversations, enforced by the inbox)
  'conversations.read',
  // notes, labels, state, read marks, take/assign/transfer: the inbox decides per conversation and
  // role (agents only take or hand within their team; supervisors assign anywhere)
  'conversations.write',
  'messages.read', // one message or its media, by id (ids reach agents through the inbox timeline)
  // whole histories by conversation or contact without the inbox's per-conversation check; agents
  // read threads through /api/v1/inbox/conversations/:id/timeline, which applies it
  'messages.history',
  'messages.send',
  // CRM
  'contacts.read', // contacts, organizations, tags, field definitions, consent history
  'contacts.edit', // create and edit basic fields, tags
  'contacts.merge', // duplicates and merge, deleting organizations (and contacts when that exists)
  'contacts.export',
  'contacts.import',
  'consent.write', // record an opt-in/opt-out with evidence
  'suppressions.manage',
  'segments.read',
  'segments.write',
  'reports.read', // reports, rate cards and cost estimates
  'campaigns.read',
  'campaigns.manage', // create, launch, pause, cancel; recipient lists (these create contacts)
  'numbers.read',
  'users.read', // the staff directory (names, roles, availability) for assignment
  'teams.read',
  'templates.read',
  'quick_replies.read',
  'labels.read',
  // settings: owner and admin only
  'settings.numbers',
  'settings.fields',
  'settings.keywords',
  'settings.quick_replies',
  'settings.labels',
  'settings.pricing', // rate cards
  'templates.manage',
  'users.manage',
  'teams.manage',
  'audit.read',
  'admin.webhooks',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** Reachable without signing in (sign-in itself, one-time links). */
export const PUBLIC = 'public';
export type RouteRule = Permission | typeof PUBLIC;

const AGENT: readonly Permission[] = [
  'self',
  'conversations.read',
  'conversations.write',
  'messages.read',
  'messages.send',
  'contacts.read',
  'contacts.edit',
  'segments.read',
  'numbers.read',
  'users.read',
  'teams.read',
  'templates.read',
  'quick_replies.read',
  'labels.read',
];

const SUPERVISOR: readonly Permission[] = [
  ...AGENT,
  'messages.history',
  'contacts.merge',
  'contacts.export',
  'contacts.import',
  'consent.write',
  'suppressions.manage',
  'segments.write',
  'reports.read',
  'campaigns.read',
  'campaigns.manage',
];

export const ROLE_PERMISSIONS: Record<Role, ReadonlySet<Permission>> = {
  owner: new Set(PERMISSIONS),
  admin: new Set(PERMISSIONS),
  supervisor: new Set(SUPERVISOR),
  agent: new Set(AGENT),
};

/** Permissions that only make sense for a person, not for the integrator token. */
const USER_ONLY: ReadonlySet<Permission> = new Set(['self']);

/**
 * Method + route pattern → permission. HEAD uses the GET entry. Keep it grouped by capability; a
 * route registered anywhere under /api or /admin must appear here.
 */
export const ROUTE_PERMISSIONS: Readonly<Record<string, RouteRule>> = {
  // accounts: sign-in (src/accounts/routes.ts)
  'POST /api/v1/auth/login': PUBLIC,
  'POST /api/v1/auth/link': PUBLIC,
  'POST /api/v1/auth/link-info': PUBLIC,
  'POST /api/v1/auth/accept-invite': PUBLIC,
  'POST /api/v1/auth/logout': 'self',
  'POST /api/v1/auth/logout-all': 'self',
  'GET /api/v1/auth/me': 'self',
  'PATCH /api/v1/auth/me': 'self',
  // accounts: staff, teams, audit
  'GET /api/v1/users': 'users.read',
  'GET /api/v1/users/:id': 'users.read',
  'POST /api/v1/users': 'users.manage',
  'POST /api/v1/users/invitations': 'users.manage',
  'POST /api/v1/users/:id/reset-link': 'users.manage',
  'PATCH /api/v1/users/:id': 'users.manage',
  'DELETE /api/v1/users/:id': 'users.manage',
  'GET /api/v1/teams': 'teams.read',
  'GET /api/v1/teams/:id': 'teams.read',
  'POST /api/v1/teams': 'teams.manage',
  'PATCH /api/v1/teams/:id': 'teams.manage',
  'DELETE /api/v1/teams/:id': 'teams.manage',
  'PUT /api/v1/teams/:id/members': 'teams.manage',
  'GET /api/v1/audit': 'audit.read',

  // messaging (src/messaging/routes.ts, media-routes.ts, webhook-routes.ts)
  'POST /api/v1/messages': 'messages.send',
  'POST /api/v1/messages/read': 'messages.send',
  'GET /api/v1/messages/:id': 'messages.read',
  'GET /api/v1/messages/:id/media': 'messages.read',
  'GET /api/v1/conversations/:id/messages': 'messages.history',
  'POST /api/v1/media': 'messages.send',
  'GET /api/v1/numbers': 'numbers.read',
  'GET /api/v1/numbers/:id': 'numbers.read',
  'POST /api/v1/numbers': 'settings.numbers',
  'PATCH /api/v1/numbers/:id': 'settings.numbers',
  'POST /admin/webhooks/replay': 'admin.webhooks',

  // CRM (src/crm/routes.ts)
  'GET /api/v1/contacts': 'contacts.read',
  'POST /api/v1/contacts': 'contacts.edit',
  'GET /api/v1/contacts/duplicates': 'contacts.merge',
  'GET /api/v1/contacts/:id': 'contacts.read',
  'PATCH /api/v1/contacts/:id': 'contacts.edit',
  'GET /api/v1/contacts/:id/messages': 'messages.history',
  'POST /api/v1/contacts/:id/merge': 'contacts.merge',
  'POST /api/v1/contacts/:id/fields/from-message': 'contacts.edit',
  'POST /api/v1/contacts/:id/tags': 'contacts.edit',
  'DELETE /api/v1/contacts/:id/tags/:tag': 'contacts.edit',
  'GET /api/v1/contacts/:id/consents': 'contacts.read',
  'POST /api/v1/contacts/:id/consents': 'consent.write',
  'GET /api/v1/organizations': 'contacts.read',
  'POST /api/v1/organizations': 'contacts.edit',
  'GET /api/v1/organizations/:id': 'contacts.read',
  'PATCH /api/v1/organizations/:id': 'contacts.edit',
  // deleting unlinks every contact of it: like merging, not for agents
  'DELETE /api/v1/organizations/:id': 'contacts.merge',
  'GET /api/v1/fields': 'contacts.read',
  'POST /api/v1/fields': 'settings.fields',
  'PATCH /api/v1/fields/:id': 'settings.fields',
  'DELETE /api/v1/fields/:id': 'settings.fields',
  'GET /api/v1/tags': 'contacts.read',
  'GET /api/v1/suppressions': 'suppressions.manage',
  'POST /api/v1/suppressions': 'suppressions.manage',
  'DELETE /api/v1/suppressions/:id': 'suppressions.manage',
  'GET /api/v1/settings/consent-keywords': 'settings.keywords',
  'PUT /api/v1/settings/consent-keywords': 'settings.keywords',

  // inbox (src/inbox/routes.ts, events.ts): per-conversation access is enforced there
  'GET /api/v1/inbox/conversations': 'conversations.read',
  'GET /api/v1/inbox/counts': 'conversations.read',
  'GET /api/v1/inbox/conversations/:id': 'conversations.read',
  'GET /api/v1/inbox/conversations/:id/timeline': 'conversations.read',
  'POST /api/v1/inbox/conversations/:id/read': 'conversations.write',
  'POST /api/v1/inbox/conversations/:id/assign': 'conversations.write',
  'POST /api/v1/inbox/conversations/:id/transfer': 'conversations.write',
  'POST /api/v1/inbox/conversations/:id/state': 'conversations.write',
  'POST /api/v1/inbox/conversations/:id/important': 'conversations.write',
  'POST /api/v1/inbox/conversations/:id/labels': 'conversations.write',
  'DELETE /api/v1/inbox/conversations/:id/labels/:labelId': 'conversations.write',
  'POST /api/v1/inbox/conversations/:id/notes': 'conversations.write',
  'GET /api/v1/events': 'conversations.read',
  'GET /api/v1/quick-replies': 'quick_replies.read',
  'POST /api/v1/quick-replies': 'settings.quick_replies',
  'PATCH /api/v1/quick-replies/:id': 'settings.quick_replies',
  'DELETE /api/v1/quick-replies/:id': 'settings.quick_replies',
  'GET /api/v1/labels': 'labels.read',
  'POST /api/v1/labels': 'settings.labels',
  'PATCH /api/v1/labels/:id': 'settings.labels',
  'DELETE /api/v1/labels/:id': 'settings.labels',

  // templates (src/templates/routes.ts): reading and sending for everyone, the library for admins
  'GET /api/v1/templates': 'templates.read',
  'GET /api/v1/templates/sources': 'templates.read',
  'GET /api/v1/templates/:id': 'templates.read',
  'POST /api/v1/templates/validate': 'templates.read',
  'POST /api/v1/templates/:id/preview': 'templates.read',
  'POST /api/v1/templates/:id/send': 'messages.send',
  'POST /api/v1/templates': 'templates.manage',
  'PATCH /api/v1/templates/:id': 'templates.manage',
  'DELETE /api/v1/templates/:id': 'templates.manage',
  'PUT /api/v1/templates/:id/mapping': 'templates.manage',
  'POST /api/v1/templates/:id/submit': 'templates.manage',
  'POST /api/v1/templates/:id/unpause': 'templates.manage',
  'POST /api/v1/templates/sync': 'templates.manage',

  // campaigns (src/campaigns/routes.ts): supervisors run campaigns; agents do not
  'GET /api/v1/campaigns': 'campaigns.read',
  'POST /api/v1/campaigns': 'campaigns.manage',
  'POST /api/v1/campaigns/lists': 'campaigns.manage',
  'GET /api/v1/campaigns/lists': 'campaigns.read',
  'GET /api/v1/campaigns/:id': 'campaigns.read',
  'PATCH /api/v1/campaigns/:id': 'campaigns.manage',
  'DELETE /api/v1/campaigns/:id': 'campaigns.manage',
  'POST /api/v1/campaigns/:id/preview': 'campaigns.read',
  'POST /api/v1/campaigns/:id/launch': 'campaigns.manage',
  'POST /api/v1/campaigns/:id/pause': 'campaigns.manage',
  'POST /api/v1/campaigns/:id/resume': 'campaigns.manage',
  'POST /api/v1/campaigns/:id/cancel': 'campaigns.manage',
  'GET /api/v1/campaigns/:id/recipients': 'campaigns.read',
  'GET /api/v1/campaigns/:id/recipients.csv': 'campaigns.read',
  'GET /api/v1/campaigns/:id/exclusions.csv': 'campaigns.read',

  // pricing (src/pricing/routes.ts)
  'GET /api/v1/rate-cards': 'reports.read',
  'GET /api/v1/rate-cards/:id': 'reports.read',
  'POST /api/v1/rate-cards': 'settings.pricing',
  'POST /api/v1/pricing/estimate': 'reports.read',

  // segments (src/crm/segment-routes.ts)
  'GET /api/v1/segments': 'segments.read',
  'POST /api/v1/segments': 'segments.write',
  'POST /api/v1/segments/preview': 'segments.read',
  'GET /api/v1/segments/:id': 'segments.read',
  'PATCH /api/v1/segments/:id': 'segments.write',
  'DELETE /api/v1/segments/:id': 'segments.write',
  'GET /api/v1/segments/:id/count': 'segments.read',

  // import / export (src/crm/import-routes.ts): rejected rows carry contact data, so import ≈ export
  'POST /api/v1/imports': 'contacts.import',
  'POST /api/v1/imports/preview': 'contacts.import',
  'GET /api/v1/imports': 'contacts.import',
  'GET /api/v1/imports/:id': 'contacts.import',
  'GET /api/v1/imports/:id/rows': 'contacts.import',
  'GET /api/v1/imports/:id/rejected.csv': 'contacts.import',
  'GET /api/v1/contacts/export.csv': 'contacts.export',
};

/**
 * Routes whose successful unsafe calls are written to the audit log by the guard (settings and
 * data leaving or being merged), so capabilities need no audit code of their own for them.
 */
export const AUDITED_PERMISSIONS: ReadonlySet<Permission> = new Set([
  'settings.numbers',
  'settings.fields',
  'settings.keywords',
  'settings.quick_replies',
  'settings.labels',
  'settings.pricing',
  'templates.manage',
  'campaigns.manage',
  'contacts.merge',
  'contacts.export',
  'contacts.import',
  'consent.write',
  'suppressions.manage',
  'admin.webhooks',
]);

export function routeKey(method: string, url: string): string {
  return `${method === 'HEAD' ? 'GET' : method.toUpperCase()} ${url}`;
}

/** The rule for a route, or undefined when none is defined (= denied). */
export function ruleFor(method: string, url: string): RouteRule | undefined {
  return Object.hasOwn(ROUTE_PERMISSIONS, routeKey(method, url)) ? ROUTE_PERMISSIONS[routeKey(method, url)] : undefined;
}

export function roleCan(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].has(permission);
}

/** Whether a principal holds a permission (the API token acts as admin, but has no "self"). */
export function can(principal: Principal, permission: Permission): boolean {
  if (principal.kind === 'token' && USER_ONLY.has(permission)) return false;
  return roleCan(principal.role, permission);
}
