/**
 * Who is making a request. Set by the `authenticate` hook on every /api and /admin route (see
 * src/http/auth.ts) and read by capabilities for per-record rules, e.g. an agent sees only their own
 * and their teams' conversations.
 */
export const ROLES = ['owner', 'admin', 'supervisor', 'agent'] as const;
export type Role = (typeof ROLES)[number];

export interface Principal {
  /** 'user' = a signed-in person (session cookie); 'token' = the integrator API token (acts as admin). */
  kind: 'user' | 'token';
  /** The user's id; null for the API token. */
  userId: string | null;
  role: Role;
  /** Teams the user belongs to; empty for the API token. */
  teamIds: string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * Set on every guarded route before the handler runs. On the few public routes (sign-in,
     * accepting an invitation) it is null at run time; those handlers never read it.
     */
    principal: Principal;
  }
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Owners and admins manage everything; used where a rule depends on rank rather than a route. */
export function isAdminRole(role: Role): boolean {
  return role === 'owner' || role === 'admin';
}
