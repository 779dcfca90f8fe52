// Who is calling. The accounts capability decorates every /api request with `request.principal`;
// until its type lands (src/accounts/principal.ts) the same shape is declared here. Read through a
// cast rather than a module augmentation so the two declarations can never conflict.
import type { FastifyRequest } from 'fastify';
import type { PrincipalFacts } from '../core/assignment.ts';

export type Principal = PrincipalFacts & { teamIds: string[] };

/** What a request authenticated only by the interim bearer guard is: an API token, which sees all. */
export const TOKEN_PRINCIPAL: Principal = { kind: 'token', userId: null, role: 'admin', teamIds: [] };

export function principalOf(request: FastifyRequest): Principal {
  const p = (request as FastifyRequest & { principal?: Principal }).principal;
  // No principal means the request passed the API-token guard (the only auth before accounts).
  return p ?? TOKEN_PRINCIPAL;
}
