import { describe, expect, it } from 'vitest';
import { messageText } from '../../../src/core/message-text.ts';

describe('the text of a customer message', () => {
  it.each([
    ['text', { text: { body: 'Calle Mayor 5' } }, 'Calle Mayor 5'],
    ['button', { button: { text: 'Sí, confirmo', payload: 'YES' } }, 'Sí, confirmo'],
    ['interactive', { interactive: { type: 'button_reply', button_reply: { id: 'a', title: 'Mañana' } } }, 'Mañana'],
    ['interactive', { interactive: { type: 'list_reply', list_reply: { id: 'b', title: 'Talla M' } } }, 'Talla M'],
    ['image', { image: { id: 'm1', caption: 'Mi factura' } }, 'Mi factura'],
    ['image', { image: { id: 'm1' } }, null],
    ['location', { location: { latitude: 40.4, longitude: -3.7 } }, null],
    ['reaction', { reaction: { message_id: 'w', emoji: '👍' } }, null],
    ['text', { text: { body: '' } }, null],
    ['text', null, null],
  ])('%s %j → %j', (type, content, text) => {
    expect(messageText(type, content)).toBe(text);
  });
});
