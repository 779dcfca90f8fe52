import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Any, type Harness, expectGraphError, openWindow, startHarness, text } from './harness.ts';

let h: Harness;
let phonePersona: Any;

beforeAll(async () => {
  h = await startHarness();
  const list = await h.control('GET', '/personas');
  phonePersona = list.data.find((p: Any) => !p.phone_hidden);
  await openWindow(h, phonePersona.id);
});
afterAll(() => h.close());

describe('POST /{phone_number_id}/messages: every outbound type', () => {
  it('accepts each type inside the window with Meta\'s success shape', async () => {
    const to = phonePersona.wa_id as string;
    const up = await uploadImage();
    const bodies: Any[] = [
      { type: 'text', text: { body: 'hola', preview_url: true } },
      { type: 'image', image: { id: up, caption: 'foto' } },
      { type: 'video', video: { link: 'https://example.com/v.mp4', caption: 'clip' } },
      { type: 'audio', audio: { link: 'https://example.com/a.ogg', voice: true } },
      { type: 'document', document: { link: 'https://example.com/f.pdf', filename: 'f.pdf', caption: 'factura' } },
      { type: 'sticker', sticker: { link: 'https://example.com/s.webp' } },
      { type: 'location', location: { latitude: '40.41', longitude: -3.7, name: 'Sol', address: 'Madrid' } },
      { type: 'contacts', contacts: [{ name: { formatted_name: 'Ana Pérez', first_name: 'Ana' }, phones: [{ phone: '+34600000000', type: 'CELL' }] }] },
      { type: 'interactive', interactive: { type: 'button', body: { text: '¿Confirmas?' }, action: { buttons: [{ type: 'reply', reply: { id: 'yes', title: 'Sí' } }, { type: 'reply', reply: { id: 'no', title: 'No' } }] } } },
      { type: 'interactive', interactive: { type: 'list', header: { type: 'text', text: 'Menú' }, body: { text: 'Elige' }, action: { button: 'Ver', sections: [{ title: 'A', rows: [{ id: 'r1', title: 'Uno', description: 'desc' }] }, { title: 'B', rows: [{ id: 'r2', title: 'Dos' }] }] } } },
      { type: 'interactive', interactive: { type: 'cta_url', body: { text: 'Mira' }, action: { name: 'cta_url', parameters: { display_text: 'Abrir', url: 'https://example.com' } } } },
    ];
    for (const b of bodies) {
      const res = await h.post(`/${h.pnId}/messages`, { messaging_product: 'whatsapp', recipient_type: 'individual', to: `+${to}`, ...b });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.messaging_product).toBe('whatsapp');
      expect(res.body.contacts).toEqual([{ input: `+${to}`, wa_id: to }]);
      expect(res.body.messages[0].id).toMatch(/^wamid\./);
      expect(res.body.messages[0].message_status).toBeUndefined();
    }
  });

  it('accepts a contextual reply and a reaction, which only gets `sent`', async () => {
    const inbound = await openWindow(h, phonePersona.id);
    const reply = await h.post(`/${h.pnId}/messages`, text(phonePersona.wa_id, 'respuesta', { context: { message_id: inbound } }));
    expect(reply.status).toBe(200);
    const react = await h.post(`/${h.pnId}/messages`, { messaging_product: 'whatsapp', to: phonePersona.wa_id, type: 'reaction', reaction: { message_id: inbound, emoji: '👍' } });
    expect(react.status).toBe(200);
    const id = react.body.messages[0].id;
    await h.waitFor(() => h.statuses().some((s) => s.id === id && s.status === 'sent'), 'reaction sent');
    const replyId = reply.body.messages[0].id;
    await h.waitFor(() => h.statuses().some((s) => s.id === replyId && s.status === 'read'), 'reply read');
    expect(h.statuses().filter((s) => s.id === id).map((s) => s.status)).toEqual(['sent']);
  });

  it('marks a message read with a typing indicator', async () => {
    const inbound = await openWindow(h, phonePersona.id);
    const res = await h.post(`/${h.pnId}/messages`, { messaging_product: 'whatsapp', status: 'read', message_id: inbound, typing_indicator: { type: 'text' } });
    expect(res).toEqual({ status: 200, body: { success: true } });
    const reads = await h.control('GET', '/reads');
    expect(reads.data.at(-1)).toMatchObject({ messageId: inbound, typingIndicator: true });
    expectGraphError(await h.post(`/${h.pnId}/messages`, { messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.nope' }), 131009);
  });
});

async function uploadImage(): Promise<string> {
  const form = new FormData();
  form.set('messaging_product', 'whatsapp');
  form.set('type', 'image/png');
  form.set('file', new Blob([Buffer.from('89504e470d0a1a0a', 'hex')], { type: 'image/png' }), 'x.png');
  const res = await fetch(`${h.graph}/${h.pnId}/media`, { method: 'POST', headers: { authorization: 'Bearer test-token' }, body: form });
  const body = (await res.json()) as Any;
  return body.id as string;
}

describe('request validation names the field', () => {
  const cases: [string, Any, number, RegExp][] = [
    ['missing messaging_product', { to: '34600000000', type: 'text', text: { body: 'x' } }, 131008, /messaging_product/],
    ['wrong messaging_product', { messaging_product: 'sms', to: '34600000000', text: { body: 'x' } }, 100, /messaging_product/],
    ['missing to', { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }, 131008, /\bto\b/],
    ['missing text body', { messaging_product: 'whatsapp', to: '34600000000', type: 'text', text: {} }, 131008, /text\['body'\]/],
    ['text too long', { messaging_product: 'whatsapp', to: '34600000000', type: 'text', text: { body: 'x'.repeat(4097) } }, 100, /4096/],
    ['unsupported type', { messaging_product: 'whatsapp', to: '34600000000', type: 'hologram', hologram: {} }, 131051, /hologram/],
    ['unknown key', { messaging_product: 'whatsapp', to: '34600000000', type: 'text', text: { body: 'x', colour: 'red' } }, 100, /colour/],
    ['bad phone', { messaging_product: 'whatsapp', to: 'abc', type: 'text', text: { body: 'x' } }, 131009, /\bto\b/],
    ['media id and link', { messaging_product: 'whatsapp', to: '34600000000', type: 'image', image: { id: '1', link: 'https://x.y/a.png' } }, 100, /image/],
    ['unknown media id', { messaging_product: 'whatsapp', to: '34600000000', type: 'image', image: { id: '999' } }, 131009, /image\['id'\]/],
    ['4 buttons', { messaging_product: 'whatsapp', to: '34600000000', type: 'interactive', interactive: { type: 'button', body: { text: 'b' }, action: { buttons: [1, 2, 3, 4].map((i) => ({ type: 'reply', reply: { id: `b${i}`, title: `T${i}` } })) } } }, 100, /buttons/],
    ['button title 21', { messaging_product: 'whatsapp', to: '34600000000', type: 'interactive', interactive: { type: 'button', body: { text: 'b' }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'x'.repeat(21) } }] } } }, 100, /title/],
    ['button body 1025', { messaging_product: 'whatsapp', to: '34600000000', type: 'interactive', interactive: { type: 'button', body: { text: 'x'.repeat(1025) }, action: { buttons: [{ type: 'reply', reply: { id: 'a', title: 'a' } }] } } }, 100, /body/],
    ['list 11 rows', { messaging_product: 'whatsapp', to: '34600000000', type: 'interactive', interactive: { type: 'list', body: { text: 'b' }, action: { button: 'Ver', sections: [{ title: 'A', rows: Array.from({ length: 11 }, (_, i) => ({ id: `r${i}`, title: `R${i}` })) }] } } }, 100, /rows/],
    ['list row title 25', { messaging_product: 'whatsapp', to: '34600000000', type: 'interactive', interactive: { type: 'list', body: { text: 'b' }, action: { button: 'Ver', sections: [{ rows: [{ id: 'r', title: 'x'.repeat(25) }] }] } } }, 100, /title/],
    ['list footer 61', { messaging_product: 'whatsapp', to: '34600000000', type: 'interactive', interactive: { type: 'list', body: { text: 'b' }, footer: { text: 'x'.repeat(61) }, action: { button: 'Ver', sections: [{ rows: [{ id: 'r', title: 't' }] }] } } }, 100, /footer/],
    ['cta display 21', { messaging_product: 'whatsapp', to: '34600000000', type: 'interactive', interactive: { type: 'cta_url', body: { text: 'b' }, action: { name: 'cta_url', parameters: { display_text: 'x'.repeat(21), url: 'https://a.b' } } } }, 100, /display_text/],
    ['location missing lat', { messaging_product: 'whatsapp', to: '34600000000', type: 'location', location: { longitude: 1 } }, 131008, /latitude/],
    ['reaction with context', { messaging_product: 'whatsapp', to: '34600000000', type: 'reaction', context: { message_id: 'x' }, reaction: { message_id: 'x', emoji: '👍' } }, 100, /context/],
    ['template without language', { messaging_product: 'whatsapp', to: '34600000000', type: 'template', template: { name: 'hello_world' } }, 131008, /language/],
  ];
  it.each(cases)('%s', async (_name, body, code, field) => {
    const res = await h.post(`/${h.pnId}/messages`, body);
    expectGraphError(res, code);
    expect(res.body.error.error_data.details).toMatch(field);
  });
});

describe('errors always have Meta\'s shape', () => {
  it('190 for a missing or wrong token', async () => {
    expectGraphError(await h.post(`/${h.pnId}/messages`, text('34600000000'), 'wrong'), 190, 401);
    const res = await fetch(`${h.graph}/${h.pnId}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expectGraphError({ status: res.status, body: await res.json() }, 190, 401);
  });

  it('malformed bodies, unknown objects, paths and versions', async () => {
    expectGraphError(await h.post(`/${h.pnId}/messages`, '{"messaging_product":'), 100);
    expectGraphError(await h.post(`/${h.pnId}/messages`, '[1,2]'), 100);
    expectGraphError(await h.post(`/${h.pnId}/messages`, 'null'), 100);
    expectGraphError(await h.post('/123456/messages', text('34600000000')), 100);
    expectGraphError(await h.get('/123456'), 100);
    expectGraphError(await h.get(`/${h.pnId}/nothing-here`), 100);
    expectGraphError(await h.post(`${h.base}/version9/${h.pnId}/messages`, text('34600000000')), 100);
    const plain = await fetch(`${h.graph}/${h.pnId}/messages`, { method: 'POST', headers: { authorization: 'Bearer test-token', 'content-type': 'text/plain' }, body: 'hi' });
    expectGraphError({ status: plain.status, body: await plain.json() }, 100);
  });

  it('a random fuzz of bodies never yields a 500', async () => {
    const junk: unknown[] = [
      {}, { messaging_product: 'whatsapp' }, { messaging_product: 'whatsapp', to: 1 }, { messaging_product: 'whatsapp', to: '1', type: 5 },
      { messaging_product: 'whatsapp', to: '34600000000', type: 'text', text: 'hi' }, { messaging_product: 'whatsapp', to: '34600000000', type: 'interactive', interactive: { type: 'button', action: {} } },
      { messaging_product: 'whatsapp', to: '34600000000', type: 'template', template: { name: 'x', language: { code: 'es' }, components: [null] } },
      { messaging_product: 'whatsapp', to: '34600000000', type: 'contacts', contacts: 'x' }, { messaging_product: 'whatsapp', status: 'read' },
      { messaging_product: 'whatsapp', to: '34600000000', type: 'template', template: { name: 'order_update', language: { code: 'es' }, components: [{ type: 'body', parameters: 'x' }] } },
    ];
    for (const b of junk) {
      const res = await h.post(`/${h.pnId}/messages`, b);
      expect(res.status).toBeLessThan(500);
      expect(res.body.error.type).toBe('OAuthException');
    }
  });
});
