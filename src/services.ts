import type { AppContext } from './context.ts';
import { WebhookIngest } from './messaging/ingest.ts';
import { WebhookProcessor } from './messaging/processor.ts';
import { MediaFetcher } from './messaging/media-fetch.ts';
import { closeCloudApiFor } from './whatsapp/client.ts';
import { startDispatcher, type DispatcherHandle } from './messaging/dispatcher.ts';
import { confirmConsentKeywords } from './crm/consent-replies.ts';

/** The long-lived parts of a running Charla process, built over one context. */
export interface Services {
  ctx: AppContext;
  ingest: WebhookIngest;
  processor: WebhookProcessor;
  media: MediaFetcher;
  /** Wake the local dispatcher (a no-op in an api-only process: workers poll). */
  wakeDispatcher(): void;
  start(): void;
  stop(): Promise<void>;
}

export function createServices(ctx: AppContext, options: { workers?: boolean } = {}): Services {
  const processor = new WebhookProcessor(ctx);
  const media = new MediaFetcher(ctx);
  const workers = options.workers ?? true;
  // Without workers in this process (role=api), another process picks the events up by polling.
  const ingest = new WebhookIngest(ctx.store.db, () => (workers ? processor.wake() : undefined));
  let dispatcher: DispatcherHandle | null = null;
  const stopListeners: (() => void)[] = [];
  return {
    ctx,
    ingest,
    processor,
    media,
    wakeDispatcher: () => dispatcher?.wake(),
    start() {
      if (!workers) return;
      processor.start();
      media.start();
      dispatcher = startDispatcher(ctx);
      stopListeners.push(confirmConsentKeywords(ctx, () => dispatcher?.wake()));
    },
    async stop() {
      for (const s of stopListeners.splice(0)) s();
      await processor.stop();
      await media.stop();
      await dispatcher?.stop();
      await closeCloudApiFor(ctx);
    },
  };
}
