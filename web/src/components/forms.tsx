// Placing the server's validation errors under the inputs they concern (settings and organization forms).
import type { RefObject } from 'react';
import { ApiError } from '../api/client.ts';

export interface PlacedErrors<K extends string> {
  /** The server's sentence for each input it concerns. */
  byInput: Partial<Record<K, string>>;
  /** Something that belongs to no input: show the whole message. */
  other: boolean;
}

/**
 * Split a server error over the form's inputs: `invalid_field` details are "key: …" sentences,
 * schema errors are `{ field, message }`, and some codes (a taken key, a bad number) concern one input.
 */
export function placeErrors<K extends string>(error: unknown, inputs: readonly K[], byCode: Partial<Record<string, K>> = {}): PlacedErrors<K> {
  const byInput: Partial<Record<K, string>> = {};
  if (!error) return { byInput, other: false };
  if (!(error instanceof ApiError)) return { byInput, other: true };
  const isInput = (s: string | undefined): s is K => !!s && (inputs as readonly string[]).includes(s);
  const put = (k: K, text: string) => (byInput[k] = byInput[k] ? `${byInput[k]} ${text}` : text);
  let other = false;
  const coded = byCode[error.code];
  if (coded) put(coded, error.message);
  else if (Array.isArray(error.details) && error.details.length > 0) {
    for (const d of error.details as unknown[]) {
      const name = typeof d === 'string' ? /^(\w+):/.exec(d)?.[1] : (d as { field?: string } | null)?.field?.split('.')[0];
      const text = typeof d === 'string' ? d : String((d as { message?: unknown } | null)?.message ?? error.message);
      if (isInput(name)) put(name, text);
      else other = true;
    }
  } else other = true;
  return { byInput, other };
}

/** Move focus to the first input the server complained about, so keyboard and screen-reader users land on it. */
export function focusFirst<K extends string>(placed: PlacedErrors<K>, order: readonly K[], refs: Partial<Record<K, RefObject<HTMLInputElement | null>>>) {
  const first = order.find((k) => placed.byInput[k] && refs[k]?.current);
  if (first) refs[first]!.current!.focus();
}
