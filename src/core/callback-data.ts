// biz_opaque_callback_data for outbound sends: "<our message uuid>:<attempt>" (spec §1.1, ≤ 512 bytes).
// Meta echoes it on every status webhook of that send, so the inbound processor can find our message before it
// knows the wamid (crash reconciliation) and tell which attempt a status belongs to.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface CallbackData {
  messageId: string;
  /** 1 for the first send, 2 for the first resend… */
  attempt: number;
}

export function formatCallbackData(messageId: string, attempt: number): string {
  return `${messageId}:${attempt}`;
}

/**
 * Our message id (and attempt) from a status's biz_opaque_callback_data, or null when it is not ours (another
 * app on the same number, or a hand-made send). A bare uuid (no attempt) is accepted as attempt 0.
 */
export function parseCallbackData(value: unknown): CallbackData | null {
  if (typeof value !== 'string') return null;
  const colon = value.indexOf(':');
  const id = colon === -1 ? value : value.slice(0, colon);
  if (!UUID.test(id)) return null;
  if (colon === -1) return { messageId: id.toLowerCase(), attempt: 0 };
  const rest = value.slice(colon + 1);
  if (!/^\d{1,6}$/.test(rest)) return null;
  return { messageId: id.toLowerCase(), attempt: Number(rest) };
}
