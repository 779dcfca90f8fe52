// Live updates for the inbox over Server-Sent Events (GET /api/v1/events).
//
// Domain events (ids only) are gathered for one tick, enriched with a small summary and each
// conversation's access facts (team, assignee) in one query, given an id, and then:
//  - PGlite (one process): delivered in-process;
//  - PostgreSQL: published with pg_notify('charla_events', …) and delivered by every process,
//    this one included, from its LISTEN connection. Everyone therefore sees the same events in the
//    same order (NOTIFY delivers in commit order to all listeners), which is what lets a browser
//    resume on any instance.
// Each process keeps the last RING_SIZE events; a reconnect with Last-Event-ID replays those after
// it (filtered for the principal), or sends `reset` when the id is no longer there (the client
// then refetches). Ids are publisher-assigned `<instance>-<seq>`. No table: events are a cache
// invalidation signal for the UI, and a write per event would double the hot path's writes.
import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import type { AppContext } from '../context.ts';
import { canAccessConversation, seesEverything } from '../core/assignment.ts';
import { previewOf } from '../core/message-preview.ts';
import { inboxBus } from './bus.ts';
import { principalOf, type Principal } from './principal.ts';
import { uuidList } from './access.ts';
import { can, type Permission } from '../accounts/permissions.ts';

export const CHANNEL = 'charla_events';
export type EventName = 'message.created' | 'message.status' | 'conversation.updated' | 'note.created' | 'template.updated';

interface Access {
  teamId: string | null;
  assigneeId: string | null;
}

/** One event as delivered: what the client gets plus who may see it. */
export interface HubEvent {
  id: string;
  event: EventName;
  data: Record<string, unknown>;
  /** Access facts now and (for assignment changes) before: an agent who could see either gets it. */
  access: Access[];
  /** Events about something other than a conversation (a template's review) go to whoever holds this. */
  permission?: Permission;
}

type Raw =
  | { event: 'message.created'; conversationId: string; messageId: string; direction: 'in' | 'out' }
  | { event: 'message.status'; conversationId: string; messageId: string; status: string }
  | { event: 'conversation.updated'; conversationId: string; was?: Access }
  | { event: 'note.created'; conversationId: string; noteId: string; kind: string; authorId: string | null }
  | { event: 'template.updated'; templateId: string; status: string };

interface Subscriber {
  principal: Principal;
  write(chunk: string): void;
  close(): void;
}

export interface EventHubOptions {
  heartbeatMs?: number;
  ringSize?: number;
  /** Ask clients to wait this long before reconnecting. */
  retryMs?: number;
}

export interface EventHub {
  /** Registers GET /api/v1/events; register it inside the authenticated /api scope. */
  plugin: FastifyPluginAsync;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Open streams in this process (metrics, tests). */
  readonly connections: number;
}

const NOTIFY_LIMIT = 7000; // PostgreSQL's payload limit is 8000 bytes
const MAX_BUFFERED = 1024 * 1024; // a client this far behind is dropped; it reconnects and resumes

function frame(e: HubEvent): string {
  return `id: ${e.id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
}

export function visibleTo(p: Principal, e: Pick<HubEvent, 'access' | 'permission'>): boolean {
  if (e.permission) return can(p, e.permission);
  return seesEverything(p) || e.access.some((a) => canAccessConversation(p, a));
}

export function createEventHub(ctx: AppContext, options: EventHubOptions = {}): EventHub {
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const ringSize = options.ringSize ?? 5_000;
  const retryMs = options.retryMs ?? 3_000;
  const instance = randomBytes(4).toString('hex');
  let seq = 0;
  const ring: HubEvent[] = [];
  const subscribers = new Set<Subscriber>();
  let queue: Raw[] = [];
  let flushing: Promise<void> = Promise.resolve();
  let scheduled = false;
  let started = false;
  let offs: (() => void)[] = [];
  let heartbeat: NodeJS.Timeout | null = null;
  let listener: pg.Client | null = null;
  let listening = false;
  let reconnect: NodeJS.Timeout | null = null;
  let reconnectDelay = 500;

  function deliver(events: HubEvent[]): void {
    for (const e of events) {
      ring.push(e);
      const text = frame(e);
      for (const s of subscribers) if (visibleTo(s.principal, e)) s.write(text);
    }
    if (ring.length > ringSize) ring.splice(0, ring.length - ringSize);
  }

  /** Tell every open stream that events may have been missed (the client refetches). */
  function broadcastReset(reason: string): void {
    const text = `event: reset\ndata: ${JSON.stringify({ reason })}\n\n`;
    for (const s of subscribers) s.write(text);
  }

  async function enrich(raws: Raw[]): Promise<HubEvent[]> {
    // Coalesce: one conversation.updated per conversation per tick, remembering every earlier access.
    const convUpdates = new Map<string, Access[]>();
    const list: Raw[] = [];
    for (const r of raws) {
      if (r.event === 'conversation.updated') {
        const was = convUpdates.get(r.conversationId);
        if (was) {
          if (r.was) was.push(r.was);
          continue;
        }
        convUpdates.set(r.conversationId, r.was ? [r.was] : []);
      }
      list.push(r);
    }
    const convIds = [...new Set(list.flatMap((r) => ('conversationId' in r ? [r.conversationId] : [])))];
    const msgIds = [...new Set(list.flatMap((r) => (r.event === 'message.created' ? [r.messageId] : [])))];
    const convs = new Map<string, { team_id: string | null; assignee_id: string | null; state: string; unread_count: number; important: boolean; last_message_at: Date | string | null; window_expires_at: Date | string | null }>();
    if (convIds.length) {
      const rows = await ctx.store.rows<{ id: string; team_id: string | null; assignee_id: string | null; state: string; unread_count: number; important: boolean; last_message_at: Date | string | null; window_expires_at: Date | string | null }>(
        sql`select id, team_id, assignee_id, state, unread_count, important, last_message_at, window_expires_at from conversations where id in (${uuidList(convIds)})`,
      );
      for (const r of rows) convs.set(r.id, r);
    }
    const msgs = new Map<string, { type: string; content: unknown }>();
    if (msgIds.length) {
      const rows = await ctx.store.rows<{ id: string; type: string; content: unknown }>(sql`select id, type, content from messages where id in (${uuidList(msgIds)})`);
      for (const r of rows) msgs.set(r.id, r);
    }
    const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
    const out: HubEvent[] = [];
    for (const r of list) {
      if (r.event === 'template.updated') {
        // Meta's review of a template (approved, rejected, paused…): the templates screen refetches it.
        out.push({ id: `${instance}-${++seq}`, event: r.event, data: { templateId: r.templateId, status: r.status }, access: [], permission: 'templates.read' });
        continue;
      }
      const c = convs.get(r.conversationId);
      if (!c) continue; // gone (deleted) or rolled back: nothing to show
      // Whoever could see the conversation before a change in this tick still gets its events.
      const access: Access[] = [{ teamId: c.team_id, assigneeId: c.assignee_id }, ...(convUpdates.get(r.conversationId) ?? [])];
      let data: HubEvent['data'];
      if (r.event === 'message.created') {
        const m = msgs.get(r.messageId);
        data = { conversationId: r.conversationId, messageId: r.messageId, direction: r.direction, ...(m ? previewOf(m.type, m.content) : { type: null, text: null }) };
      } else if (r.event === 'message.status') {
        data = { conversationId: r.conversationId, messageId: r.messageId, status: r.status };
      } else if (r.event === 'note.created') {
        data = { conversationId: r.conversationId, noteId: r.noteId, kind: r.kind, authorId: r.authorId };
      } else {
        data = {
          conversationId: r.conversationId,
          state: c.state,
          unreadCount: c.unread_count,
          important: c.important,
          teamId: c.team_id,
          assigneeId: c.assignee_id,
          lastMessageAt: iso(c.last_message_at),
          windowExpiresAt: iso(c.window_expires_at),
        };
      }
      out.push({ id: `${instance}-${++seq}`, event: r.event, data, access });
    }
    return out;
  }

  async function publish(events: HubEvent[]): Promise<void> {
    if (events.length === 0) return;
    if (ctx.store.engine !== 'postgres' || !listening) {
      // Embedded mode, or our LISTEN is down: at least this process's streams get them.
      deliver(events);
      if (ctx.store.engine !== 'postgres') return;
    }
    const chunks: HubEvent[][] = [];
    let cur: HubEvent[] = [];
    let size = 0;
    for (const e of events) {
      const n = JSON.stringify(e).length + 1;
      if (cur.length && size + n > NOTIFY_LIMIT) {
        chunks.push(cur);
        cur = [];
        size = 0;
      }
      cur.push(e);
      size += n;
    }
    if (cur.length) chunks.push(cur);
    for (const chunk of chunks) {
      try {
        await ctx.store.db.execute(sql`select pg_notify(${CHANNEL}, ${JSON.stringify({ o: instance, e: chunk })})`);
      } catch (err) {
        ctx.logger.warn({ err }, 'publishing live events failed; delivering them in this process only');
        if (listening) deliver(chunk);
      }
    }
  }

  function schedule(r: Raw): void {
    if (!started) return;
    queue.push(r);
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      const batch = queue;
      queue = [];
      flushing = flushing
        .then(async () => publish(await enrich(batch)))
        .catch((err: unknown) => ctx.logger.warn({ err }, 'live events could not be prepared'));
    });
  }

  async function connectListener(): Promise<void> {
    const pool = ctx.store.pool;
    if (!pool) return;
    const client = new pg.Client({ ...(pool.options as pg.ClientConfig), application_name: 'charla-events' });
    client.on('notification', (msg) => {
      if (msg.channel !== CHANNEL || !msg.payload) return;
      try {
        const parsed = JSON.parse(msg.payload) as { o: string; e: HubEvent[] };
        deliver(parsed.e);
      } catch (err) {
        ctx.logger.warn({ err }, 'ignoring a malformed live event');
      }
    });
    const lost = (err?: unknown) => {
      if (listener !== client) return;
      listener = null;
      listening = false;
      client.end().catch(() => {});
      if (!started) return;
      ctx.logger.warn({ err }, 'live events connection lost; reconnecting');
      broadcastReset('reconnecting');
      scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    listener = client;
    try {
      await client.connect();
      await client.query(`listen ${CHANNEL}`);
      listening = true;
      reconnectDelay = 500;
    } catch (err) {
      lost(err);
    }
  }

  function scheduleReconnect(): void {
    if (reconnect || !started) return;
    reconnect = setTimeout(() => {
      reconnect = null;
      void connectListener();
    }, reconnectDelay);
    reconnectDelay = Math.min(reconnectDelay * 2, 10_000);
  }

  const plugin: FastifyPluginAsync = async (app) => {
    const mine = new Set<Subscriber>();
    // End our streams before the server waits for connections to drain.
    app.addHook('preClose', async () => {
      for (const s of mine) s.close();
    });
    app.get(
      '/api/v1/events',
      { schema: { tags: ['inbox'], summary: 'Live inbox events (text/event-stream); resumes after Last-Event-ID' } as Record<string, unknown> },
      (request, reply) => {
        const principal = principalOf(request);
        const query = request.query as { lastEventId?: unknown };
        const header = request.headers['last-event-id'];
        const lastId = typeof header === 'string' && header ? header : typeof query.lastEventId === 'string' && query.lastEventId ? query.lastEventId : null;
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no', // nginx: do not buffer the stream
          'x-request-id': request.id,
        });
        let open = true;
        const sub: Subscriber = {
          principal,
          write(chunk) {
            if (!open) return;
            if (res.writableLength > MAX_BUFFERED) return sub.close();
            res.write(chunk);
          },
          close() {
            if (!open) return;
            open = false;
            subscribers.delete(sub);
            mine.delete(sub);
            res.end();
          },
        };
        res.on('close', () => sub.close());
        res.write(`retry: ${retryMs}\n\n`);
        // Replay and subscribe in the same tick, so nothing published in between is lost or doubled.
        let resumed = false;
        if (lastId) {
          const at = ring.findLastIndex((e) => e.id === lastId);
          if (at >= 0) {
            resumed = true;
            for (const e of ring.slice(at + 1)) if (visibleTo(principal, e)) res.write(frame(e));
          } else {
            res.write(`event: reset\ndata: ${JSON.stringify({ reason: 'unknown_last_event_id' })}\n\n`);
          }
        }
        res.write(`event: ready\ndata: ${JSON.stringify({ resumed, lastEventId: ring.at(-1)?.id ?? null })}\n\n`);
        subscribers.add(sub);
        mine.add(sub);
      },
    );
  };

  return {
    plugin,
    get connections() {
      return subscribers.size;
    },
    async start() {
      if (started) return;
      started = true;
      const bus = inboxBus(ctx);
      offs = [
        ctx.events.on('message.created', (p) => schedule({ event: 'message.created', ...p })),
        ctx.events.on('message.status', (p) => schedule({ event: 'message.status', ...p })),
        ctx.events.on('conversation.updated', (p) => schedule({ event: 'conversation.updated', conversationId: p.conversationId })),
        bus.on('conversation.access', (p) => schedule({ event: 'conversation.updated', conversationId: p.conversationId, was: p.was })),
        bus.on('note.created', (p) => schedule({ event: 'note.created', ...p })),
        ctx.events.on('template.updated', (p) => schedule({ event: 'template.updated', templateId: p.templateId, status: p.status })),
      ];
      heartbeat = setInterval(() => {
        for (const s of subscribers) s.write(': ping\n\n');
      }, heartbeatMs);
      heartbeat.unref();
      if (ctx.store.engine === 'postgres') await connectListener();
    },
    async stop() {
      started = false;
      for (const off of offs) off();
      offs = [];
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = null;
      if (reconnect) clearTimeout(reconnect);
      reconnect = null;
      await flushing;
      for (const s of [...subscribers]) s.close();
      const l = listener;
      listener = null;
      listening = false;
      await l?.end().catch(() => {});
    },
  };
}
