import type { AppContext } from './context.ts';
import { WebhookIngest } from './messaging/ingest.ts';
import { WebhookProcessor } from './messaging/processor.ts';
import { MediaFetcher } from './messaging/media-fetch.ts';
import { closeCloudApiFor } from './whatsapp/client.ts';
import { startDispatcher, type DispatcherHandle } from './messaging/dispatcher.ts';
import { confirmConsentKeywords } from './crm/consent-replies.ts';
import { createEventHub, type EventHub } from './inbox/events.ts';
import { createRouter } from './inbox/routing.ts';
import { startTemplateSync } from './templates/sync.ts';
import { startCampaignFeeder, type FeederHandle } from './campaigns/feeder.ts';

/** The long-lived parts of a running Charla process, built over one context. */
export interface Services {
  ctx: AppContext;
  ingest: WebhookIngest;
  processor: WebhookProcessor;
  media: MediaFetcher;
  /** Live events to browsers (every process that serves HTTP has one). */
  hub: EventHub;
  /** Wake the local dispatcher (a no-op in an api-only process: workers poll). */
  wakeDispatcher(): void;
  /** Wake the local campaign feeder (after launch/resume). */
  wakeCampaigns(): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** Run background workers here (processor, media, dispatcher, routing, template sync, campaigns). */
  workers?: boolean;
  /** Template sync period (default 15 min). */
  templateSyncMs?: number;
}

export function createServices(ctx: AppContext, options: ServiceOptions = {}): Services {
  const workers = options.workers ?? true;
  const processor = new WebhookProcessor(ctx);
  const media = new MediaFetcher(ctx);
  const hub = createEventHub(ctx);
  const router = createRouter(ctx);
  // Without workers in this process (role=api), another process picks the events up by polling.
  const ingest = new WebhookIngest(ctx.store.db, () => (workers ? processor.wake() : undefined));
  let dispatcher: DispatcherHandle | null = null;
  let feeder: FeederHandle | null = null;
  let templateSync: { stop(): Promise<void> } | null = null;
  let hubStarted = false;
  const stopListeners: (() => void)[] = [];
  return {
    ctx,
    ingest,
    processor,
    media,
    hub,
    wakeDispatcher: () => dispatcher?.wake(),
    wakeCampaigns: () => feeder?.wake(),
    async start() {
      await hub.start();
      hubStarted = true;
      if (!workers) return;
      processor.start();
      media.start();
      dispatcher = startDispatcher(ctx);
      router.start();
      templateSync = startTemplateSync(ctx, { intervalMs: options.templateSyncMs ?? 15 * 60_000 });
      feeder = startCampaignFeeder(ctx, { wakeDispatcher: () => dispatcher?.wake() });
      stopListeners.push(confirmConsentKeywords(ctx, () => dispatcher?.wake()));
    },
    async stop() {
      for (const s of stopListeners.splice(0)) s();
      await feeder?.stop();
      await templateSync?.stop();
      await router.stop();
      await processor.stop();
      await media.stop();
      await dispatcher?.stop();
      if (hubStarted) await hub.stop();
      await closeCloudApiFor(ctx);
    },
  };
}
