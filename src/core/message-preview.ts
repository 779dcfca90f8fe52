// A message summarised for lists, quotes and live events: its type plus the words it carries. The UI
// turns the type into an icon and a localised label ("📷 Foto"); this only extracts the text.

function rec(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}
const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

export interface MessagePreview {
  type: string;
  /** The text to show next to the type's icon; null when the message carries none (a bare photo). */
  text: string | null;
}

const MAX = 160;

function clip(s: string | null): string | null {
  if (s === null) return null;
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > MAX ? `${one.slice(0, MAX - 1)}…` : one;
}

/** Works for inbound content (Meta's message object) and outbound content (the send body): same shapes. */
export function previewOf(type: string, content: unknown): MessagePreview {
  const c = rec(content) ?? {};
  const part = rec(c[type]);
  let text: string | null;
  switch (type) {
    case 'text':
      text = str(part?.body);
      break;
    case 'image':
    case 'video':
    case 'document':
      text = str(part?.caption) ?? (type === 'document' ? str(part?.filename) : null);
      break;
    case 'location':
      text = str(part?.name) ?? str(part?.address);
      break;
    case 'contacts': {
      const first = Array.isArray(c.contacts) ? rec(c.contacts[0]) : null;
      text = str(rec(first?.name)?.formatted_name);
      break;
    }
    case 'reaction':
      text = str(part?.emoji);
      break;
    case 'button':
      text = str(part?.text);
      break;
    case 'interactive': {
      // Inbound replies carry button_reply/list_reply/nfm_reply; outbound carries body.text.
      const reply = rec(part?.button_reply) ?? rec(part?.list_reply);
      text = str(reply?.title) ?? str(rec(part?.body)?.text) ?? (rec(part?.nfm_reply) ? str(rec(part?.nfm_reply)?.body) : null);
      break;
    }
    case 'template':
      text = str(part?.name);
      break;
    case 'order': {
      const items = Array.isArray(part?.product_items) ? part.product_items.length : 0;
      text = items > 0 ? String(items) : null;
      break;
    }
    case 'system':
      text = str(part?.body);
      break;
    default:
      text = null;
  }
  return { type, text: clip(text) };
}
