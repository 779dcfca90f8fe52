import type { AppContext } from './context.ts';
import { WebhookIngest } from './messaging/ingest.ts';
import { WebhookProcessor } from './messaging/processor.ts';
import { MediaFetcher } from './messaging/media-fetch.ts';
import { closeCloudApiFor } from './whatsapp/client.ts';

/** The long-lived parts of a running Charla process, built over one context. */
export interface Services {
  ctx: AppContext;
  ingest: WebhookIngest;
  processor: WebhookProcessor;
  media: MediaFetcher;
  start(): void;
  stop(): Promise<void>;
}

export function createServices(ctx: AppContext, options: { workers?: boolean } = {}): Services {
  const processor = new WebhookProcessor(ctx);
  const media = new MediaFetcher(ctx);
  const workers = options.workers ?? true;
  // Without workers in this process (role=api), another process picks the events up by polling.
  const ingest = new WebhookIngest(ctx.store.db, () => (workers ? processor.wake() : undefined));
  return {
    ctx,
    ingest,
    processor,
    media,
    start() {
      if (!workers) return;
      processor.start();
      media.start();
    },
    async stop() {
      await processor.stop();
      await media.stop();
      await closeCloudApiFor(ctx);
    },
  };
}
