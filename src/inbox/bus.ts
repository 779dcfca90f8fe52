// Inbox events that DomainEventMap (src/context.ts) does not carry yet: a new note, and who could see a
// conversation before an assignment/transfer (so the agent who lost it still gets the update).
import { EventEmitter } from 'node:events';
import type { AppContext } from '../context.ts';

export interface InboxEventMap {
  'note.created': { noteId: string; conversationId: string; kind: string; authorId: string | null };
  'conversation.access': { conversationId: string; was: { teamId: string | null; assigneeId: string | null } };
}

export interface InboxBus {
  emit<K extends keyof InboxEventMap>(name: K, payload: InboxEventMap[K]): void;
  on<K extends keyof InboxEventMap>(name: K, listener: (payload: InboxEventMap[K]) => void): () => void;
}

const buses = new WeakMap<AppContext, InboxBus>();

/** One bus per context (per running app or test), like ctx.events. */
export function inboxBus(ctx: AppContext): InboxBus {
  let bus = buses.get(ctx);
  if (!bus) {
    const emitter = new EventEmitter();
    emitter.setMaxListeners(1000);
    bus = {
      emit: (name, payload) => void emitter.emit(name, payload),
      on(name, listener) {
        emitter.on(name, listener);
        return () => void emitter.off(name, listener);
      },
    };
    buses.set(ctx, bus);
  }
  return bus;
}
