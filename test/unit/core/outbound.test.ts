import { describe, expect, it } from 'vitest';
import { mediaKindOfMime, validateMarkRead, validateMediaUpload, validateOutbound } from '../../../src/core/outbound.ts';

const base = { messaging_product: 'whatsapp', to: '+16505551234' };
const x = (n: number, c = 'x') => c.repeat(n);
const btn = (id: string, title: string) => ({ type: 'reply', reply: { id, title } });
const buttons = (bs: unknown[], extra: Record<string, unknown> = {}) => ({
  ...base,
  type: 'interactive',
  interactive: { type: 'button', body: { text: 'Pick one' }, action: { buttons: bs }, ...extra },
});
const list = (sections: unknown[], extra: Record<string, unknown> = {}) => ({
  ...base,
  type: 'interactive',
  interactive: { type: 'list', body: { text: 'Menu' }, action: { button: 'Options', sections }, ...extra },
});
const rows = (n: number, prefix = 'r') => Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, title: `Row ${i}` }));
const cta = (params: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  ...base,
  type: 'interactive',
  interactive: { type: 'cta_url', body: { text: 'See it' }, action: { name: 'cta_url', parameters: params }, ...extra },
});

describe('validateOutbound: valid bodies pass (spec §1.1–1.5)', () => {
  it.each([
    ['text', { ...base, type: 'text', text: { body: 'Hola', preview_url: true } }],
    ['text at 4096', { ...base, type: 'text', text: { body: x(4096) } }],
    ['emoji count as one character', { ...base, type: 'text', text: { body: x(4096, '👍') } }],
    ['image by id with caption', { ...base, type: 'image', image: { id: '123', caption: x(1024) } }],
    ['video by link', { ...base, type: 'video', video: { link: 'https://example.com/v.mp4' } }],
    ['voice audio', { ...base, type: 'audio', audio: { id: '1', voice: true } }],
    ['document', { ...base, type: 'document', document: { id: '1', filename: 'a.pdf', caption: 'Invoice' } }],
    ['sticker', { ...base, type: 'sticker', sticker: { id: '1' } }],
    ['location as strings', { ...base, type: 'location', location: { latitude: '40.4168', longitude: '-3.7038', name: 'Sol' } }],
    ['contacts', { ...base, type: 'contacts', contacts: [{ name: { formatted_name: 'Ana' }, birthday: '1990-01-31' }] }],
    ['reaction', { ...base, type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '😀' } }],
    ['reaction removal', { ...base, type: 'reaction', reaction: { message_id: 'wamid.X', emoji: '' } }],
    ['3 buttons', buttons([btn('a', x(20)), btn('b', 'B'), btn(x(256), 'C')], { header: { type: 'text', text: x(60) }, footer: { text: x(60) } })],
    ['button with image header', buttons([btn('a', 'A')], { header: { type: 'image', image: { id: '9' } } })],
    ['list with one untitled section of 10 rows', list([{ rows: rows(10) }])],
    ['list body up to 4096', list([{ rows: rows(1) }], { body: { text: x(4096) } })],
    ['list 2 titled sections', list([{ title: x(24), rows: rows(5, 'a') }, { title: 'B', rows: rows(5, 'b') }])],
    ['cta_url', cta({ display_text: x(20), url: 'https://example.com/x?y=1' })],
    ['reply context', { ...base, type: 'text', text: { body: 'Re' }, context: { message_id: 'wamid.Y' } }],
    ['BSUID recipient', { messaging_product: 'whatsapp', recipient: 'US.13491208655302741918', type: 'text', text: { body: 'Hi' } }],
    ['template', { ...base, type: 'template', template: { name: 'order_confirmation', language: { code: 'en_US' } } }],
  ])('%s', (_name, body) => {
    expect(validateOutbound(body)).toEqual([]);
  });
});

describe('validateOutbound: each documented limit', () => {
  it.each([
    ['text over 4096', { ...base, type: 'text', text: { body: x(4097) } }, 'text.body', 'too_long', 'The message text has 4097 characters; the limit is 4096. Shorten it by 1.'],
    ['empty text', { ...base, type: 'text', text: { body: '  ' } }, 'text.body', 'required', 'The message text is empty; write something.'],
    ['caption over 1024', { ...base, type: 'image', image: { id: '1', caption: x(1025) } }, 'image.caption', 'too_long', 'The caption has 1025 characters; the limit is 1024. Shorten it by 1.'],
    ['video caption over 1024', { ...base, type: 'video', video: { id: '1', caption: x(1030) } }, 'video.caption', 'too_long', 'The caption has 1030 characters; the limit is 1024. Shorten it by 6.'],
    ['both id and link', { ...base, type: 'image', image: { id: '1', link: 'https://e.com/a.jpg' } }, 'image', 'both_id_and_link', 'The image has both "id" and "link"; give only one: the uploaded media id, or a public link.'],
    ['neither id nor link', { ...base, type: 'document', document: { filename: 'a.pdf' } }, 'document', 'missing_media', 'The document needs the uploaded media "id" or a public "link".'],
    ['link not http', { ...base, type: 'image', image: { link: 'ftp://e.com/a.jpg' } }, 'image.link', 'invalid_url', 'The image link must be a public http(s) URL.'],
    ['audio caption', { ...base, type: 'audio', audio: { id: '1', caption: 'hi' } }, 'audio.caption', 'not_allowed', 'The audio cannot have a caption; send the text as a separate message.'],
    ['sticker caption', { ...base, type: 'sticker', sticker: { id: '1', caption: 'hi' } }, 'sticker.caption', 'not_allowed', 'The sticker cannot have a caption; send the text as a separate message.'],
    ['reaction with context', { ...base, type: 'reaction', reaction: { message_id: 'w', emoji: '👍' }, context: { message_id: 'w' } }, 'context', 'context_not_allowed', 'A reaction cannot be a reply to a message; remove "context" (the reaction already names its message).'],
    ['4 buttons', buttons([btn('a', 'A'), btn('b', 'B'), btn('c', 'C'), btn('d', 'D')]), 'interactive.action.buttons', 'too_many', 'There are 4 buttons; at most 3 are allowed. Use a list message for more options.'],
    ['0 buttons', buttons([]), 'interactive.action.buttons', 'too_few', 'Add at least one button.'],
    ['button title 21', buttons([btn('a', 'A'), btn('b', 'B'), btn('c', x(21))]), 'interactive.action.buttons[2].reply.title', 'too_long', 'Button 3 title has 21 characters; the limit is 20. Shorten it by 1.'],
    ['button id 257', buttons([btn(x(257), 'A')]), 'interactive.action.buttons[0].reply.id', 'too_long', 'Button 1 id has 257 characters; the limit is 256. Shorten it by 1.'],
    ['duplicate button id', buttons([btn('a', 'A'), btn('a', 'B')]), 'interactive.action.buttons[1].reply.id', 'not_unique', 'Button 2 has the same id as button 1; ids must be unique.'],
    ['duplicate button title', buttons([btn('a', 'Yes'), btn('b', 'Yes')]), 'interactive.action.buttons[1].reply.title', 'not_unique', 'Button 2 has the same title as button 1; titles must be unique.'],
    ['empty button title', buttons([btn('a', '')]), 'interactive.action.buttons[0].reply.title', 'required', 'Button 1 title is empty; write something.'],
    ['button id with spaces around', buttons([btn(' a', 'A')]), 'interactive.action.buttons[0].reply.id', 'invalid_value', 'Button 1 id has spaces at the start or end; remove them.'],
    ['header text 61', buttons([btn('a', 'A')], { header: { type: 'text', text: x(61) } }), 'interactive.header.text', 'too_long', 'The header text has 61 characters; the limit is 60. Shorten it by 1.'],
    ['footer 61', buttons([btn('a', 'A')], { footer: { text: x(61) } }), 'interactive.footer.text', 'too_long', 'The footer has 61 characters; the limit is 60. Shorten it by 1.'],
    ['button body 1025', buttons([btn('a', 'A')], { body: { text: x(1025) } }), 'interactive.body.text', 'too_long', 'The message body has 1025 characters; the limit is 1024. Shorten it by 1.'],
    ['list body 4097', list([{ rows: rows(1) }], { body: { text: x(4097) } }), 'interactive.body.text', 'too_long', 'The message body has 4097 characters; the limit is 4096. Shorten it by 1.'],
    ['list image header', list([{ rows: rows(1) }], { header: { type: 'image', image: { id: '1' } } }), 'interactive.header.type', 'invalid_value', 'A list message header can only be text.'],
    ['11 rows', list([{ title: 'A', rows: rows(6, 'a') }, { title: 'B', rows: rows(5, 'b') }]), 'interactive.action.sections', 'too_many', 'The list has 11 rows; at most 10 are allowed across all sections.'],
    ['11 sections', list(Array.from({ length: 11 }, (_, i) => ({ title: `S${i}`, rows: [{ id: `r${i}`, title: 'R' }] }))), 'interactive.action.sections', 'too_many', 'There are 11 sections; at most 10 are allowed.'],
    ['missing section title with 2 sections', list([{ title: 'A', rows: rows(1, 'a') }, { rows: rows(1, 'b') }]), 'interactive.action.sections[1].title', 'required', 'Section 2 title is required when the list has more than one section.'],
    ['section title 25', list([{ title: x(25), rows: rows(1) }]), 'interactive.action.sections[0].title', 'too_long', 'Section 1 title has 25 characters; the limit is 24. Shorten it by 1.'],
    ['row title 25', list([{ rows: [{ id: 'a', title: x(25) }] }]), 'interactive.action.sections[0].rows[0].title', 'too_long', 'Row 1 of section 1 title has 25 characters; the limit is 24. Shorten it by 1.'],
    ['row description 73', list([{ rows: [{ id: 'a', title: 'A', description: x(73) }] }]), 'interactive.action.sections[0].rows[0].description', 'too_long', 'Row 1 of section 1 description has 73 characters; the limit is 72. Shorten it by 1.'],
    ['row id 201', list([{ rows: [{ id: x(201), title: 'A' }] }]), 'interactive.action.sections[0].rows[0].id', 'too_long', 'Row 1 of section 1 id has 201 characters; the limit is 200. Shorten it by 1.'],
    ['duplicate row id', list([{ title: 'A', rows: [{ id: 'same', title: 'A' }] }, { title: 'B', rows: [{ id: 'same', title: 'B' }] }]), 'interactive.action.sections[1].rows[0].id', 'not_unique', 'Row 1 of section 2 has the same id as row 1 of section 1; row ids must be unique.'],
    ['list button 21', { ...list([{ rows: rows(1) }]), interactive: { type: 'list', body: { text: 'M' }, action: { button: x(21), sections: [{ rows: rows(1) }] } } }, 'interactive.action.button', 'too_long', 'The list button text has 21 characters; the limit is 20. Shorten it by 1.'],
    ['no rows', list([{ rows: [] }]), 'interactive.action.sections[0].rows', 'too_few', 'Section 1 has no rows; add one or remove the section.'],
    ['cta display text 21', cta({ display_text: x(21), url: 'https://e.com' }), 'interactive.action.parameters.display_text', 'too_long', 'The button text has 21 characters; the limit is 20. Shorten it by 1.'],
    ['cta url not http', cta({ display_text: 'Go', url: 'javascript:alert(1)' }), 'interactive.action.parameters.url', 'invalid_url', 'The button URL must start with http:// or https://.'],
    ['no recipient', { messaging_product: 'whatsapp', type: 'text', text: { body: 'x' } }, 'to', 'required', 'Say who receives the message: a phone number in "to" or a business-scoped user ID in "recipient".'],
    ['bad BSUID', { messaging_product: 'whatsapp', recipient: 'us.1', type: 'text', text: { body: 'x' } }, 'recipient', 'invalid_value', '"us.1" does not start with a two-letter upper-case country code (found "us").'],
    ['bad type', { ...base, type: 'poll' }, 'type', 'unsupported', 'The message type must be one of text, image, video, audio, document, sticker, location, contacts, reaction, interactive, template.'],
    ['wrong product', { ...base, messaging_product: 'sms', type: 'text', text: { body: 'x' } }, 'messaging_product', 'invalid_value', 'messaging_product must be "whatsapp".'],
    ['latitude out of range', { ...base, type: 'location', location: { latitude: 91, longitude: 0 } }, 'location.latitude', 'invalid_value', 'The latitude must be a number of decimal degrees between -90 and 90.'],
    ['contact without formatted_name', { ...base, type: 'contacts', contacts: [{ name: { first_name: 'Ana' } }] }, 'contacts[0].name.formatted_name', 'required', 'Contact card 1 formatted name is required.'],
    ['callback data over 512 bytes', { ...base, type: 'text', text: { body: 'x' }, biz_opaque_callback_data: x(171, 'ñ€') }, 'biz_opaque_callback_data', 'too_long', 'biz_opaque_callback_data is 855 bytes; the limit is 512.'],
    ['template name with capitals', { ...base, type: 'template', template: { name: 'Order', language: { code: 'en' } } }, 'template.name', 'invalid_value', 'A template name has only lower-case letters, digits and "_".'],
    ['template without language', { ...base, type: 'template', template: { name: 'order' } }, 'template.language', 'required', 'The template language is required.'],
  ])('%s', (_name, body, path, code, message) => {
    const problems = validateOutbound(body);
    expect(problems).toContainEqual({ path, code, message });
  });

  it('reports every problem, not only the first', () => {
    const p = validateOutbound(buttons([btn('a', x(21)), btn('a', x(21)), btn('c', 'C'), btn('d', 'D')]));
    expect(p.map((q) => `${q.code}@${q.path}`)).toEqual([
      'too_many@interactive.action.buttons',
      'too_long@interactive.action.buttons[0].reply.title',
      'too_long@interactive.action.buttons[1].reply.title',
      'not_unique@interactive.action.buttons[1].reply.id',
      'not_unique@interactive.action.buttons[1].reply.title',
    ]);
  });

  it('rejects non-objects', () => {
    expect(validateOutbound('hi')).toEqual([{ path: '', code: 'invalid_type', message: 'The message must be a JSON object.' }]);
  });
});

describe('mark as read (spec §1.6)', () => {
  it('accepts the documented body with a typing indicator', () => {
    expect(validateMarkRead({ messaging_product: 'whatsapp', status: 'read', message_id: 'wamid.1', typing_indicator: { type: 'text' } })).toEqual([]);
  });
  it('needs a message id', () => {
    expect(validateMarkRead({ messaging_product: 'whatsapp', status: 'read' })).toEqual([
      { path: 'message_id', code: 'required', message: 'The id of the message to mark as read is required.' },
    ]);
  });
});

describe('media uploads (spec §1.3, §1.7)', () => {
  const KB = 1024;
  const MB = 1024 * KB;
  it.each([
    ['image', 'image/jpeg', 5 * MB, false],
    ['image', 'image/png', 1, false],
    ['video', 'video/mp4', 16 * MB, false],
    ['video', 'video/3gpp', 1 * MB, false],
    ['audio', 'audio/ogg; codecs=opus', 1 * MB, false],
    ['audio', 'audio/mpeg', 16 * MB, false],
    ['audio', 'audio/amr', 1, false],
    ['audio', 'audio/aac', 1, false],
    ['audio', 'audio/mp4', 1, false],
    ['document', 'application/pdf', 100 * MB, false],
    ['document', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 1, false],
    ['sticker', 'image/webp', 100 * KB, false],
    ['sticker', 'image/webp', 500 * KB, true],
  ] as const)('%s %s %d bytes is fine', (kind, mimeType, sizeBytes, animated) => {
    expect(validateMediaUpload({ kind, mimeType, sizeBytes, animated })).toEqual([]);
  });

  it.each([
    [{ kind: 'image', mimeType: 'image/jpeg', sizeBytes: 5 * MB + 1 }, 'file_too_large', 'The file is 5242881 bytes; an image can be at most 5 MB (5242880 bytes). Compress it or send it as a document.'],
    [{ kind: 'image', mimeType: 'image/gif', sizeBytes: 10 }, 'mime_not_allowed', 'The image cannot be of type "image/gif"; allowed: image/jpeg, image/png.'],
    [{ kind: 'image', mimeType: 'image/webp', sizeBytes: 10 }, 'mime_not_allowed', 'The image cannot be of type "image/webp"; allowed: image/jpeg, image/png. Send it as a sticker instead.'],
    [{ kind: 'video', mimeType: 'video/mp4', sizeBytes: 17 * MB }, 'file_too_large', 'The file is 17 MB; a video can be at most 16 MB. Compress it or send it as a document.'],
    [{ kind: 'audio', mimeType: 'audio/wav', sizeBytes: 10 }, 'mime_not_allowed', 'The audio cannot be of type "audio/wav"; allowed: audio/aac, audio/amr, audio/mpeg, audio/mp4, audio/ogg.'],
    [{ kind: 'document', mimeType: 'application/pdf', sizeBytes: 101 * MB }, 'file_too_large', 'The file is 101 MB; a document can be at most 100 MB. Split or compress it, or share a link instead.'],
    [{ kind: 'document', mimeType: 'application/zip', sizeBytes: 10 }, 'mime_not_allowed', 'The document cannot be of type "application/zip"; allowed: text/plain, application/pdf, application/msword, application/vnd.openxmlformats-officedocument.wordprocessingml.document, application/vnd.ms-excel, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, application/vnd.ms-powerpoint, application/vnd.openxmlformats-officedocument.presentationml.presentation.'],
    [{ kind: 'sticker', mimeType: 'image/webp', sizeBytes: 100 * KB + 1 }, 'file_too_large', 'The file is 102401 bytes; a static sticker can be at most 100 KB (102400 bytes). Compress it or send it as a document.'],
    [{ kind: 'sticker', mimeType: 'image/webp', sizeBytes: 501 * KB, animated: true }, 'file_too_large', 'The file is 501 KB; an animated sticker can be at most 500 KB. Compress it or send it as a document.'],
    [{ kind: 'video', mimeType: 'video/mp4', sizeBytes: 0 }, 'empty_file', 'The file is empty.'],
  ] as const)('%j → %s', (input, code, message) => {
    expect(validateMediaUpload(input)).toContainEqual(expect.objectContaining({ code, message }));
  });

  it('finds the kind of a MIME type', () => {
    expect(mediaKindOfMime('IMAGE/PNG')).toBe('image');
    expect(mediaKindOfMime('image/webp')).toBe('sticker');
    expect(mediaKindOfMime('application/zip')).toBeUndefined();
  });
});
