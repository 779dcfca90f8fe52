import { z } from 'zod';

/** API version prefix as Meta prints it: v23.0, v24.0, … Any vN.M is accepted on requests. */
export const apiVersionSchema = z.string().regex(/^v\d{1,3}\.\d{1,2}$/, 'must look like v23.0');

const delaysSchema = z
  .object({
    /** Clock milliseconds between acceptance and each status webhook. */
    sentMs: z.number().int().min(0).default(0),
    deliveredMs: z.number().int().min(0).default(500),
    readMs: z.number().int().min(0).default(2_000),
    /** Clock milliseconds a template spends in review before APPROVED/REJECTED. */
    templateReviewMs: z.number().int().min(0).default(5_000),
  })
  .prefault({});

const chaosSchema = z
  .object({
    /** Probability (0..1) that a webhook POST is delivered twice. */
    duplicateRate: z.number().min(0).max(1).default(0),
    /** Probability (0..1) that a batch is held back and posted after the next one. */
    reorderRate: z.number().min(0).max(1).default(0),
    /** Extra random wall-clock delay before each webhook POST, in ms. */
    minDelayMs: z.number().int().min(0).default(0),
    maxDelayMs: z.number().int().min(0).default(0),
  })
  .prefault({});

const webhookSchema = z
  .object({
    /** Where signed webhooks go; none means webhooks are only counted. */
    callbackUrl: z.url().optional(),
    verifyToken: z.string().default('charla-sandbox-verify'),
    /** Items (statuses, messages, updates) per POST; Meta allows up to 1000. */
    maxBatchItems: z.number().int().min(1).max(1000).default(1000),
    /** Concurrent POSTs to the callback. */
    concurrency: z.number().int().min(1).max(64).default(4),
    /** Wall-clock backoff after a failed POST: base * 2^(attempt-1), capped. */
    retryBaseMs: z.number().int().min(1).default(1_000),
    retryMaxMs: z.number().int().min(1).default(60_000),
    /** Attempts before a batch is dropped (Meta keeps trying for 7 days). */
    maxAttempts: z.number().int().min(1).default(12),
    /** Attempts of the GET verification handshake at start. */
    handshakeAttempts: z.number().int().min(0).default(5),
    handshakeRetryMs: z.number().int().min(1).default(1_000),
    requestTimeoutMs: z.number().int().min(100).default(10_000),
  })
  .prefault({});

const personasSchema = z
  .object({
    count: z.number().int().min(0).max(100_000).default(36),
    /** Share of personas (0..1) that use a WhatsApp username: their webhooks carry a BSUID, not a phone. */
    usernameShare: z.number().min(0).max(1).default(0.2),
    /** Autonomous activity: personas write in, reply, tap, ignore, opt out and block on their own. */
    autonomous: z.boolean().default(false),
    /** Mean clock milliseconds between spontaneous new conversations when autonomous. */
    activityIntervalMs: z.number().int().min(100).default(30_000),
  })
  .prefault({});

export const sandboxOptionsSchema = z.object({
  port: z.number().int().min(0).max(65_535).default(4010),
  host: z.string().default('127.0.0.1'),
  /** Base URL the sandbox advertises (media URLs); defaults to the listening address. */
  publicUrl: z.url().optional(),
  appSecret: z.string().min(1).default('sandbox-app-secret'),
  accessToken: z.string().min(1).default('sandbox-access-token'),
  apiVersion: apiVersionSchema.default('v23.0'),
  clock: z.enum(['real', 'virtual']).default('real'),
  /** Start of virtual time (ms since epoch); defaults to the wall clock at creation. */
  clockStart: z.number().int().optional(),
  seed: z.number().int().default(42),
  /** Sender numbers in the single WABA. */
  numbers: z.number().int().min(1).max(20).default(2),
  /** Default throughput per number, messages per second (token bucket). */
  throughputMps: z.number().int().min(1).default(80),
  /** Portfolio messaging limit: unique users outside a CSW per rolling 24 h. */
  tier: z.enum(['TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED']).default('TIER_2K'),
  pricingModel: z.enum(['PMP', 'CBP']).default('PMP'),
  /** Pre-approved demo templates (hello_world, order_update, …). */
  seedTemplates: z.boolean().default(true),
  delays: delaysSchema,
  chaos: chaosSchema,
  webhook: webhookSchema,
  personas: personasSchema,
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type SandboxOptionsInput = z.input<typeof sandboxOptionsSchema>;
export type SandboxOptions = z.output<typeof sandboxOptionsSchema>;

export function parseSandboxOptions(input: SandboxOptionsInput = {}): SandboxOptions {
  return sandboxOptionsSchema.parse(input);
}
