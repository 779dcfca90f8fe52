// Who is calling: the accounts capability's `authenticate` hook sets request.principal on every
// guarded /api route. The inbox reads it for its per-conversation rules.
import type { FastifyRequest } from 'fastify';
import { HttpError } from '../http/errors.ts';
import type { Principal } from '../accounts/principal.ts';

export type { Principal };

/** What the integrator API token is (acts as admin, sees every conversation). */
export const TOKEN_PRINCIPAL: Principal = { kind: 'token', userId: null, role: 'admin', teamIds: [] };

export function principalOf(request: FastifyRequest): Principal {
  const p = (request as { principal?: Principal | null }).principal;
  // Never default to full access: a missing principal means the route was mounted outside the auth hook.
  if (!p) throw new HttpError(401, 'unauthorized', 'Sign in, or send the API token as "Authorization: Bearer <token>".');
  return p;
}
