import { EventEmitter } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino, { type Logger } from 'pino';
import type { Store } from './store/connection.ts';
import type { Secrets } from './store/secrets.ts';

/** Time is injected (DESIGN principle 6): tests and the sandbox's virtual clock move it. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

/** Domain events for in-process listeners (live updates, automation). Ids only; read the rest from the store. */
export interface DomainEventMap {
  'message.created': { messageId: string; conversationId: string; direction: 'in' | 'out' };
  'message.status': { messageId: string; conversationId: string; status: string };
  'conversation.updated': { conversationId: string };
  'number.updated': { phoneNumberId: string };
  'account.event': { field: string; wabaId: string | null };
  'consent.keyword': { contactId: string; conversationId: string; kind: 'opt_out' | 'opt_in' };
  'template.updated': { templateId: string; status: string };
}

export class DomainEvents {
  private readonly emitter = new EventEmitter({ captureRejections: false });
  constructor() {
    this.emitter.setMaxListeners(1000);
  }
  emit<K extends keyof DomainEventMap>(name: K, payload: DomainEventMap[K]): void {
    this.emitter.emit(name, payload);
  }
  on<K extends keyof DomainEventMap>(name: K, listener: (payload: DomainEventMap[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}

export interface CloudApiSettings {
  baseUrl: string;
  version: string;
}

/** What services need from the running process. Built once at start (or per test). */
export interface AppContext {
  store: Store;
  clock: Clock;
  secrets: Secrets;
  logger: Logger;
  events: DomainEvents;
  cloudApi: CloudApiSettings;
  mediaDir: string;
}

/**
 * An AppContext with the defaults every entry point shares (system clock, a silent logger, its own domain
 * events, media under the OS temp dir); callers give the store, secrets and Cloud API, and override the rest.
 */
export function createContext(parts: Pick<AppContext, 'store' | 'secrets' | 'cloudApi'> & Partial<AppContext>): AppContext {
  return {
    clock: systemClock,
    logger: pino({ level: 'silent' }),
    events: new DomainEvents(),
    mediaDir: join(tmpdir(), 'charla-media'),
    ...parts,
  };
}
