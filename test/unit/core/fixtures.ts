// Template definitions shaped as Meta's template API returns them (spec §4.3, §6 "list templates").
import type { TemplateFacts } from '../../../src/core/preflight.ts';

export const orderConfirmation: TemplateFacts = {
  name: 'order_confirmation',
  language: 'en_US',
  category: 'UTILITY',
  status: 'APPROVED',
  parameter_format: 'positional',
  components: [
    { type: 'HEADER', format: 'TEXT', text: 'Order {{1}}' },
    { type: 'BODY', text: 'Hi {{1}}, your order of {{2}} ships on {{3}}.' },
    { type: 'FOOTER', text: 'Thanks for shopping' },
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'QUICK_REPLY', text: 'Stop' },
        { type: 'URL', text: 'Track', url: 'https://shop.example.com/track/{{1}}' },
      ],
    },
  ],
};

export const namedPromo: TemplateFacts = {
  name: 'spring_sale',
  language: 'es',
  category: 'MARKETING',
  status: 'APPROVED',
  parameter_format: 'named',
  components: [
    { type: 'HEADER', format: 'IMAGE' },
    { type: 'BODY', text: 'Hola {{first_name}}, {{discount}} de descuento hasta el {{end_date}}.' },
    { type: 'BUTTONS', buttons: [{ type: 'COPY_CODE', text: 'Copiar código' }] },
  ],
};

export const bodyOnly: TemplateFacts = {
  name: 'plain_note',
  language: 'en',
  category: 'UTILITY',
  status: 'APPROVED',
  components: [{ type: 'BODY', text: 'Note: {{1}} end.' }],
};

export const otp: TemplateFacts = {
  name: 'login_code',
  language: 'en',
  category: 'AUTHENTICATION',
  status: 'APPROVED',
  components: [
    { type: 'BODY', text: '{{1}} is your verification code.' },
    { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
  ],
};

export const noVariables: TemplateFacts = {
  name: 'hello_world',
  language: 'en_US',
  category: 'MARKETING',
  status: 'APPROVED',
  components: [{ type: 'BODY', text: 'Hello from Charla!' }],
};

export const orderSend = (body: unknown[], header: unknown[] = [{ type: 'text', text: 'A-1001' }], url: unknown[] | null = [{ type: 'text', text: 'A-1001' }]) => ({
  name: 'order_confirmation',
  language: { code: 'en_US' },
  components: [
    { type: 'header', parameters: header },
    { type: 'body', parameters: body },
    ...(url ? [{ type: 'button', sub_type: 'url', index: '1', parameters: url }] : []),
  ],
});

export const text = (t: string) => ({ type: 'text', text: t });
export const named = (name: string, t: string) => ({ type: 'text', parameter_name: name, text: t });
