import { describe, expect, it } from 'vitest';
import { renderPreview } from '../../../../src/core/templates/preview.ts';
import { auth, body, buttons, copyCode, footer, marketing, namedBody, phoneButton, qr, textHeader, tpl, urlButton } from './builders.ts';

describe('renderPreview', () => {
  const def = marketing([
    textHeader('Order {{1}} news', ['A-1']),
    body('Hi {{1}}, order {{2}} ships today from our store.', ['Ana', 'A-1']),
    footer('Acme Store'),
    buttons(urlButton('https://shop.example/t/{{1}}', 'Track', ['https://shop.example/t/A-1']), phoneButton(), copyCode('SAVE25')),
  ]);

  it('fills values, then examples, and shows the buttons', () => {
    expect(renderPreview(def, { body: ['Eva'], buttons: { 0: 'Z-9' } })).toEqual({
      header: { kind: 'text', text: 'Order A-1 news' },
      body: 'Hi Eva, order A-1 ships today from our store.',
      footer: 'Acme Store',
      buttons: [
        { type: 'URL', text: 'Track', url: 'https://shop.example/t/Z-9' },
        { type: 'PHONE_NUMBER', text: 'Call us', phoneNumber: '+15550051310' },
        { type: 'COPY_CODE', text: 'Copy offer code', code: 'SAVE25' },
      ],
      visibleButtons: [
        { type: 'URL', text: 'Track', url: 'https://shop.example/t/Z-9' },
        { type: 'PHONE_NUMBER', text: 'Call us', phoneNumber: '+15550051310' },
        { type: 'COPY_CODE', text: 'Copy offer code', code: 'SAVE25' },
      ],
      seeAllOptions: false,
    });
  });

  it('keeps a variable with neither value nor example as written', () => {
    expect(renderPreview(tpl([body('Hi {{1}}, your order {{2}} is here.')]), { body: { 1: 'Ana' } }).body).toBe('Hi Ana, your order {{2}} is here.');
  });

  it('fills named variables by name', () => {
    const d = tpl([namedBody('Hi {{first_name}}, code {{code}} is ready.', { first_name: 'Ana', code: 'X' })], { parameter_format: 'named' });
    expect(renderPreview(d, { body: { code: 'Q7' } }).body).toBe('Hi Ana, code Q7 is ready.');
  });

  it('shows 2 buttons plus "See all options" when there are more than 3', () => {
    const p = renderPreview(marketing([body('Pick one of the options below, please.'), buttons(qr('A'), qr('B'), qr('C'), qr('D'))]));
    expect(p.seeAllOptions).toBe(true);
    expect(p.visibleButtons.map((b) => b.text)).toEqual(['A', 'B']);
    expect(p.buttons).toHaveLength(4);
  });

  it('renders media and location headers', () => {
    expect(renderPreview(tpl([{ type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::x'] } }, body('Hello there.')])).header).toEqual({ kind: 'image', handle: '4::x' });
    expect(renderPreview(tpl([{ type: 'HEADER', format: 'LOCATION' }, body('Hello there.')])).header).toEqual({ kind: 'location' });
  });

  it('renders Meta’s authentication wording when the body has no text', () => {
    const p = renderPreview(auth(), { body: ['123456'] });
    expect(p.body).toBe('123456 is your verification code. For your security, do not share this code.');
    expect(p.footer).toBe('This code expires in 10 minutes.');
    expect(p.buttons).toEqual([{ type: 'OTP', text: 'Copy code' }]);
  });

  it('is total', () => {
    for (const g of [null, 7, 'x', [], { components: [null, 3, { type: 'BUTTONS', buttons: 'x' }] }]) {
      expect(renderPreview(g, null as never)).toEqual({ header: null, body: '', footer: null, buttons: [], visibleButtons: [], seeAllOptions: false });
    }
  });
});
