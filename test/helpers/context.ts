import { createContext, type AppContext, type Clock } from '../../src/context.ts';
import type { Store } from '../../src/store/connection.ts';
import { secretsFromKey } from '../../src/store/secrets.ts';

/** The secret key of test fixtures (child processes that share a test's database decrypt with it too). */
export const TEST_KEY = 'test-key-test-key-test-key-test-key-0001';

/** A clock tests can move. */
export class TestClock implements Clock {
  constructor(private t: number = Date.parse('2026-11-02T10:00:00Z')) {}
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(date: Date): void {
    this.t = date.getTime();
  }
}

export function testContext(store: Store, overrides: Partial<AppContext> = {}): AppContext {
  return createContext({
    store,
    clock: new TestClock(),
    secrets: secretsFromKey(TEST_KEY),
    cloudApi: { baseUrl: 'http://127.0.0.1:9', version: 'v23.0' },
    mediaDir: '/tmp/charla-test-media',
    ...overrides,
  });
}
