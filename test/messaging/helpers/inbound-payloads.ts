/** Meta-shaped webhook payloads for tests (spec §3.3–3.5), serialised the way Meta signs them. */

export const WABA = '102290129340398';
export const PNID = '106540352242922';
export const DISPLAY = '15550783881';
export const APP_SECRET = 'test-app-secret-1234567890';
export const VERIFY_TOKEN = 'verify-me-please';

let seq = 0;
export const wamid = (tag = '') => `wamid.HBgL${tag}${(++seq).toString(36).padStart(8, '0')}`;
export const unix = (d: Date) => String(Math.floor(d.getTime() / 1000));

/** Meta escapes non-ASCII as \uXXXX (lowercase hex) in the bytes it signs. */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

type Json = Record<string, unknown>;

export function envelope(value: Json, field = 'messages'): Json {
  return { object: 'whatsapp_business_account', entry: [{ id: WABA, changes: [{ field, value }] }] };
}

export interface Sender {
  waId?: string;
  bsuid?: string;
  parentBsuid?: string;
  username?: string;
  name?: string;
}

export function contactOf(s: Sender): Json {
  return {
    profile: { name: s.name ?? 'Ana', ...(s.username ? { username: s.username } : {}) },
    ...(s.waId !== undefined ? { wa_id: s.waId } : {}),
    ...(s.bsuid ? { user_id: s.bsuid } : {}),
    ...(s.parentBsuid ? { parent_user_id: s.parentBsuid } : {}),
  };
}

/** One inbound message value (messages field). `message` is the type-specific part plus type. */
export function inbound(sender: Sender, at: Date, message: Json, id = wamid()): { id: string; value: Json } {
  return {
    id,
    value: {
      messaging_product: 'whatsapp',
      metadata: { display_phone_number: DISPLAY, phone_number_id: PNID },
      contacts: [contactOf(sender)],
      messages: [
        {
          from: sender.waId ?? '',
          ...(sender.bsuid ? { from_user_id: sender.bsuid } : {}),
          id,
          timestamp: unix(at),
          ...message,
        },
      ],
    },
  };
}

export function statusValue(statuses: Json[]): Json {
  return { messaging_product: 'whatsapp', metadata: { display_phone_number: DISPLAY, phone_number_id: PNID }, statuses };
}

export function status(id: string, s: string, at: Date, extra: Json = {}): Json {
  return { id, status: s, timestamp: unix(at), recipient_id: '34612345678', ...extra };
}

/** Every inbound type of spec §3.4, keyed by type. */
export const inboundSamples: Record<string, Json> = {
  text: { type: 'text', text: { body: 'Hola, ¿tenéis cita el martes? 😊' } },
  image: { type: 'image', image: { caption: 'mi receta', mime_type: 'image/jpeg', sha256: 'abc', id: 'media-img-1' } },
  video: { type: 'video', video: { mime_type: 'video/mp4', sha256: 'def', id: 'media-vid-1' } },
  audio: { type: 'audio', audio: { mime_type: 'audio/ogg; codecs=opus', sha256: 'ghi', id: 'media-aud-1', voice: true } },
  document: { type: 'document', document: { filename: 'factura.pdf', mime_type: 'application/pdf', sha256: 'jkl', id: 'media-doc-1' } },
  sticker: { type: 'sticker', sticker: { mime_type: 'image/webp', sha256: 'mno', id: 'media-stk-1', animated: false } },
  location: { type: 'location', location: { latitude: 40.4168, longitude: -3.7038, name: 'Sol', address: 'Puerta del Sol, Madrid' } },
  contacts: { type: 'contacts', contacts: [{ name: { formatted_name: 'Luis Pérez', first_name: 'Luis' }, phones: [{ phone: '+34 600 000 001', wa_id: '34600000001', type: 'CELL' }] }] },
  button: { type: 'button', button: { text: 'Confirmar', payload: 'CONFIRM_1' }, context: { from: DISPLAY, id: 'wamid.template1' } },
  interactive_button: { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id: 'yes', title: 'Sí' } }, context: { from: DISPLAY, id: 'wamid.q1' } },
  interactive_list: { type: 'interactive', interactive: { type: 'list_reply', list_reply: { id: 'row-2', title: 'Martes', description: '10:00' } } },
  reaction: { type: 'reaction', reaction: { message_id: 'wamid.outbound1', emoji: '👍' } },
  order: { type: 'order', order: { catalog_id: 'cat1', text: 'pedido', product_items: [{ product_retailer_id: 'sku1', quantity: 2, item_price: 9.5, currency: 'EUR' }] } },
  system: { type: 'system', system: { body: 'User changed number', type: 'customer_changed_number', new_wa_id: '34600000999' } },
  unsupported: { type: 'unsupported', unsupported: { type: 'poll' }, errors: [{ code: 131051, title: 'Message type unknown', error_data: { details: 'Message type is currently not supported.' } }] },
  referral: {
    type: 'text',
    text: { body: 'Vi vuestro anuncio' },
    referral: { source_url: 'https://fb.me/ad', source_id: 'ad1', source_type: 'ad', headline: 'Descuento', body: '20%', media_type: 'image', image_url: 'https://x/i.jpg', ctwa_clid: 'clid1' },
  },
  forwarded: { type: 'text', text: { body: 'mira esto' }, context: { forwarded: true } },
  request_welcome: { type: 'request_welcome' },
};
