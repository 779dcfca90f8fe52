import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Engine } from '../engine.ts';
import { GraphError, badParam, isKnownCode } from '../errors.ts';
import { type Json, isObject } from '../rules/fields.ts';
import type { TemplateStatus } from '../rules/template-model.ts';
import type { SandboxControl } from '../control.ts';

type Req = FastifyRequest<{ Params: Record<string, string>; Querystring: Record<string, string | undefined>; Body: unknown }>;

const STATUSES: TemplateStatus[] = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'IN_APPEAL', 'PENDING_DELETION',
  'DELETED', 'ARCHIVED', 'LIMIT_EXCEEDED', 'LOCKED', 'FLAGGED'];

function body(req: Req): Json {
  if (req.body === undefined || req.body === null) return {};
  if (!isObject(req.body)) throw badParam('The request body must be a JSON object.');
  return req.body;
}

function num(v: unknown, name: string): number | undefined {
  if (v === undefined || v === null) return undefined;
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) throw badParam(`Param ${name} must be a number.`);
  return n;
}

/**
 * The sandbox's own control API under /_sandbox (documented in docs/sandbox.md). No auth: it
 * is a local development tool. Errors use the Graph error shape like everything else.
 */
export function registerControlRoutes(app: FastifyInstance, _engine: Engine, control: SandboxControl): void {
  const ctl = (): SandboxControl => control;

  app.get('/_sandbox/config', async () => ctl().config());
  app.get('/_sandbox/health', async () => ({ ok: true }));

  app.put('/_sandbox/webhook', async (req: Req) => {
    const b = body(req);
    if (typeof b.callback_url !== 'string') throw new GraphError(131008, 'The parameter callback_url is required.');
    const verified = await ctl().setWebhook(b.callback_url, typeof b.verify_token === 'string' ? b.verify_token : undefined);
    return { success: true, verified };
  });
  app.post('/_sandbox/webhook/verify', async () => ({ verified: await ctl().verifyWebhook() }));
  app.get('/_sandbox/webhooks', async () => ctl().webhookStats());

  app.get('/_sandbox/personas', async (req: Req) => ({ data: ctl().personas(req.query.limit ? Number(req.query.limit) : undefined) }));
  app.post('/_sandbox/personas', async (req: Req) => ctl().addPersona(body(req)));
  app.get('/_sandbox/personas/:ref', async (req: Req) => ctl().persona(req.params.ref ?? ''));
  app.post('/_sandbox/personas/:ref/messages', async (req: Req) => ctl().customerSends(req.params.ref ?? '', body(req)));
  app.post('/_sandbox/personas/:ref/actions', async (req: Req) => {
    const b = body(req);
    return ctl().personaAction(req.params.ref ?? '', String(b.action ?? ''));
  });

  app.get('/_sandbox/clock', async () => ctl().clock());
  app.post('/_sandbox/clock/advance', async (req: Req) => {
    const b = body(req);
    const ms =
      (num(b.ms, 'ms') ?? 0) +
      (num(b.seconds, 'seconds') ?? 0) * 1000 +
      (num(b.minutes, 'minutes') ?? 0) * 60_000 +
      (num(b.hours, 'hours') ?? 0) * 3_600_000 +
      (num(b.days, 'days') ?? 0) * 86_400_000;
    if (ms < 0) throw badParam('The clock only moves forward with advance; use /_sandbox/clock/set.');
    return ctl().advanceClock(ms);
  });
  app.post('/_sandbox/clock/set', async (req: Req) => {
    const b = body(req);
    const at = typeof b.now === 'string' ? Date.parse(b.now) : num(b.now, 'now');
    if (at === undefined || !Number.isFinite(at)) throw badParam('Param now must be epoch milliseconds or an ISO date.');
    return ctl().setClock(at);
  });

  app.get('/_sandbox/sends', async (req: Req) => {
    const q = req.query;
    return ctl().sends({
      ...(q.recipient ? { recipient: q.recipient } : {}),
      ...(q.biz_opaque_callback_data ? { bizOpaqueCallbackData: q.biz_opaque_callback_data } : {}),
      limit: Number(q.limit ?? 100) || 100,
      offset: Number(q.offset ?? 0) || 0,
    });
  });
  app.get('/_sandbox/reads', async () => ({ data: ctl().reads() }));

  const numberSettings = async (req: Req) => {
    const b = body(req);
    const s: { throughput_mps?: number; quality_rating?: string; tier?: string } = {};
    const mps = num(b.throughput_mps, 'throughput_mps');
    if (mps !== undefined) s.throughput_mps = mps;
    if (b.quality_rating !== undefined) s.quality_rating = String(b.quality_rating);
    if (b.tier !== undefined) s.tier = String(b.tier);
    return ctl().updateNumber(req.params.id ?? '', s);
  };
  app.post('/_sandbox/numbers/:id', numberSettings);
  app.patch('/_sandbox/numbers/:id', numberSettings);
  app.put('/_sandbox/tier', async (req: Req) => ctl().setTier(String(body(req).tier ?? '')));

  app.post('/_sandbox/templates/:id/status', async (req: Req) => {
    const b = body(req);
    const status = String(b.status ?? '').toUpperCase() as TemplateStatus;
    if (!STATUSES.includes(status)) throw badParam(`Param status must be one of {${STATUSES.join(', ')}}.`);
    return ctl().setTemplateStatus(req.params.id ?? '', status, typeof b.reason === 'string' ? b.reason : undefined);
  });

  app.get('/_sandbox/faults', async () => ({ data: ctl().faults() }));
  app.post('/_sandbox/faults', async (req: Req) => {
    const b = body(req);
    const code = num(b.code, 'code');
    if (code === undefined) throw new GraphError(131008, 'The parameter code is required.');
    if (!isKnownCode(code)) throw badParam(`Unknown error code ${code}.`);
    const count = num(b.count, 'count') ?? 1;
    return ctl().failNext(count, code, typeof b.details === 'string' ? b.details : undefined);
  });
  app.delete('/_sandbox/faults', async () => ctl().clearFaults());

  app.post('/_sandbox/autonomy', async (req: Req) => ctl().setAutonomy(body(req).enabled === true));
  app.post('/_sandbox/reset', async () => ctl().reset());
}
