import type { Logger } from 'pino';
import type { Clock } from './clock.ts';
import type { SandboxOptions } from './options.ts';
import type { Random } from './random.ts';
import type { WebhookDispatcher, WebhookTarget } from './webhooks/dispatcher.ts';
import type { World } from './world/state.ts';

/** Everything a sandbox service needs; one per sandbox instance, passed explicitly. */
export interface Engine {
  readonly opts: SandboxOptions;
  readonly clock: Clock;
  /** Seeded randomness for behaviour (personas, chaos); ids use crypto randomness. */
  rng: Random;
  world: World;
  readonly hooks: WebhookDispatcher;
  readonly log: Logger;
  readonly target: WebhookTarget;
  /** Base URL clients reach the sandbox at (for media download URLs). */
  baseUrl(): string;
}

export function metadataOf(pn: { id: string; displayDigits: string }): {
  display_phone_number: string;
  phone_number_id: string;
} {
  return { display_phone_number: pn.displayDigits, phone_number_id: pn.id };
}
