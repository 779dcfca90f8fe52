import { describe, expect, it } from 'vitest';
import { DEFAULT_SCRYPT, hashPassword, needsRehash, TEST_SCRYPT, verifyPassword } from '../../src/accounts/passwords.ts';
import { can, PERMISSIONS, roleCan, ROLE_PERMISSIONS, ROUTE_PERMISSIONS, ruleFor } from '../../src/accounts/permissions.ts';
import { ROLES } from '../../src/accounts/principal.ts';

describe('password hashing (scrypt)', () => {
  it('stores scrypt$N$r$p$salt$hash and verifies only the right password', async () => {
    const hash = await hashPassword('contraseña segura', TEST_SCRYPT);
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('contraseña segura', hash)).toBe(true);
    expect(await verifyPassword('contraseña segurA', hash)).toBe(false);
    expect(await verifyPassword('', hash)).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hashPassword('same', TEST_SCRYPT)).not.toBe(await hashPassword('same', TEST_SCRYPT));
  });

  it('treats Unicode compositions of the same text as the same password', async () => {
    const hash = await hashPassword('Pe\u00f1a2026!', TEST_SCRYPT);
    expect(await verifyPassword('Pen\u0303a2026!', hash)).toBe(true);
  });

  it('refuses malformed, missing and absurd stored hashes without throwing', async () => {
    expect(await verifyPassword('x', null)).toBe(false);
    expect(await verifyPassword('x', 'bcrypt$2b$10$abc')).toBe(false);
    expect(await verifyPassword('x', 'scrypt$1000$8$1$c2FsdHNhbHQ$aGFzaA')).toBe(false); // N not a power of two
    expect(await verifyPassword('x', `scrypt$${2 ** 24}$8$1$c2FsdHNhbHRzYWx0$${'A'.repeat(43)}`)).toBe(false); // too costly
  });

  it('production cost is N=2^15, r=8, p=1, and weaker stored hashes are flagged for an upgrade', async () => {
    expect(DEFAULT_SCRYPT).toEqual({ N: 32768, r: 8, p: 1 });
    const weak = await hashPassword('x', TEST_SCRYPT);
    expect(needsRehash(weak, DEFAULT_SCRYPT)).toBe(true);
    expect(needsRehash(weak, TEST_SCRYPT)).toBe(false);
  });
});

describe('permission table', () => {
  it('owners and admins hold every permission; supervisors no settings; agents no export, merge or settings', () => {
    for (const p of PERMISSIONS) {
      expect(roleCan('owner', p)).toBe(true);
      expect(roleCan('admin', p)).toBe(true);
    }
    for (const p of PERMISSIONS.filter((x) => x.startsWith('settings.') || ['users.manage', 'teams.manage', 'audit.read', 'templates.manage', 'admin.webhooks'].includes(x))) {
      expect(roleCan('supervisor', p), p).toBe(false);
      expect(roleCan('agent', p), p).toBe(false);
    }
    for (const p of ['contacts.export', 'contacts.merge', 'contacts.import', 'suppressions.manage', 'segments.write'] as const) {
      expect(roleCan('supervisor', p), p).toBe(true);
      expect(roleCan('agent', p), p).toBe(false);
    }
    for (const p of ['conversations.read', 'conversations.write', 'messages.send', 'contacts.read', 'contacts.edit'] as const) {
      for (const r of ROLES) expect(roleCan(r, p), `${r} ${p}`).toBe(true);
    }
    // every role's permissions are a subset of the next rank's
    for (const p of ROLE_PERMISSIONS.agent) expect(roleCan('supervisor', p)).toBe(true);
  });

  it('the API token acts as admin but is not a person', () => {
    const token = { kind: 'token' as const, userId: null, role: 'admin' as const, teamIds: [] };
    expect(can(token, 'settings.numbers')).toBe(true);
    expect(can(token, 'self')).toBe(false);
  });

  it('looks routes up by method and pattern, HEAD as GET, and knows nothing else', () => {
    expect(ruleFor('GET', '/api/v1/contacts/:id')).toBe('contacts.read');
    expect(ruleFor('HEAD', '/api/v1/contacts/:id')).toBe('contacts.read');
    expect(ruleFor('DELETE', '/api/v1/contacts/:id')).toBeUndefined();
    expect(ruleFor('GET', '/api/v1/contacts/123')).toBeUndefined();
    expect(ruleFor('GET', 'constructor')).toBeUndefined();
    for (const [key, rule] of Object.entries(ROUTE_PERMISSIONS)) {
      expect(key).toMatch(/^(GET|POST|PUT|PATCH|DELETE) \/(api\/v1|admin)\//);
      expect(rule === 'public' || (PERMISSIONS as readonly string[]).includes(rule), key).toBe(true);
    }
  });
});
