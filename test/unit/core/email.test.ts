import { describe, expect, it } from 'vitest';
import { emailIn, isEmail } from '../../../src/core/email.ts';

describe('e-mail addresses', () => {
  it.each([
    ['ana@example.com', true],
    ['Ana.Gómez+ofertas@correo.example.es', true],
    ['ana@example', false],
    ['ana example.com', false],
    ['ana@@example.com', false],
    ['@example.com', false],
    [`${'a'.repeat(250)}@x.es`, false],
  ])('isEmail(%j) is %s', (text, ok) => {
    expect(isEmail(text)).toBe(ok);
  });

  it.each([
    ['ana@example.com', 'ana@example.com'],
    ['Mi correo es Ana@Example.com, gracias', 'ana@example.com'],
    ['escríbeme a ana@example.com.', 'ana@example.com'],
    ['(ana@example.com)', 'ana@example.com'],
    ['<ana@example.com>; copia a ana@example.com', 'ana@example.com'], // the same one twice is one
    ['ana@example.com o pedro@example.com', null], // two: a person chooses
    ['no tengo correo', null],
    ['ana arroba example punto com', null],
  ])('emailIn(%j) → %j', (text, email) => {
    expect(emailIn(text)).toBe(email);
  });
});
