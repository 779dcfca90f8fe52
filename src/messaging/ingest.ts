import type { Db } from '../store/connection.ts';
import { webhookEvents } from './schema.ts';

interface Waiting {
  body: string;
  resolve: (id: number) => void;
  reject: (err: unknown) => void;
}

/**
 * Durable append of raw webhook bodies with group commit: requests that arrive while a write is in
 * flight are written together in the next single INSERT, so throughput grows with load while each
 * request still gets its 200 only after its own row is committed.
 */
export class WebhookIngest {
  private queue: Waiting[] = [];
  private writing = false;
  constructor(
    private readonly db: Db,
    private readonly onWritten: () => void = () => {},
    private readonly maxBatch = 500,
  ) {}

  append(body: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      this.queue.push({ body, resolve, reject });
      if (!this.writing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const rows = await this.db
            .insert(webhookEvents)
            .values(batch.map((w) => ({ body: w.body })))
            .returning({ id: webhookEvents.id });
          batch.forEach((w, i) => w.resolve(rows[i]!.id));
          this.onWritten();
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
