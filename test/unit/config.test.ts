import { describe, expect, it } from 'vitest';
import { ConfigError, engineOf, loadConfig } from '../../src/config.ts';

describe('loadConfig', () => {
  it('applies defaults for an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ PORT: 3000, HOST: '127.0.0.1', CHARLA_DATA_DIR: './data', LOG_LEVEL: 'info', SANDBOX: 'auto', ROLE: 'all' });
    expect(engineOf(c)).toBe('pglite');
  });

  it('lets flags override the environment', () => {
    const c = loadConfig({ PORT: '4000' }, { port: '5000', 'data-dir': '/tmp/x' });
    expect(c.PORT).toBe(5000);
    expect(c.CHARLA_DATA_DIR).toBe('/tmp/x');
  });

  it('switches to PostgreSQL with DATABASE_URL', () => {
    expect(engineOf(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/d' }))).toBe('postgres');
  });

  it.each([
    [{ PORT: 'abc' }, /PORT="abc".*expected a TCP port number/],
    [{ PORT: '70000' }, /PORT="70000"/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL="mysql:\/\/x": must start with postgres:\/\//],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL="loud".*one of fatal/],
    [{ CHARLA_SECRET_KEY: 'short' }, /CHARLA_SECRET_KEY.*at least 32 characters/],
    [{ ROLE: 'boss' }, /ROLE="boss".*one of all, api, worker/],
  ])('rejects %j naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'x', SANDBOX: 'maybe' });
      expect.unreachable();
    } catch (err) {
      expect((err as ConfigError).problems).toHaveLength(2);
    }
  });
});
