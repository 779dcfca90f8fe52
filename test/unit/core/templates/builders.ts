// Small builders for template definitions in tests. `valid*` builders produce definitions that
// validate with no problems; rows change one thing at a time.

export type Json = Record<string, unknown>;

export const BODY_TEXT = 'Your order is on its way. Thank you for shopping with us.';

export function body(text: string, example?: string[]): Json {
  return example ? { type: 'BODY', text, example: { body_text: [example] } } : { type: 'BODY', text };
}

export function namedBody(text: string, params: Record<string, string>): Json {
  return {
    type: 'BODY',
    text,
    example: { body_text_named_params: Object.entries(params).map(([param_name, example]) => ({ param_name, example })) },
  };
}

export function textHeader(text: string, example?: string[]): Json {
  return example ? { type: 'HEADER', format: 'TEXT', text, example: { header_text: example } } : { type: 'HEADER', format: 'TEXT', text };
}

export function footer(text: string): Json {
  return { type: 'FOOTER', text };
}

export function buttons(...list: Json[]): Json {
  return { type: 'BUTTONS', buttons: list };
}

export const qr = (text = 'Yes'): Json => ({ type: 'QUICK_REPLY', text });
export const urlButton = (url = 'https://shop.example/orders', text = 'Track order', example?: string[]): Json =>
  example ? { type: 'URL', text, url, example } : { type: 'URL', text, url };
export const phoneButton = (phone_number = '+15550051310', text = 'Call us'): Json => ({ type: 'PHONE_NUMBER', text, phone_number });
export const copyCode = (example: unknown = 'SAVE25'): Json => ({ type: 'COPY_CODE', example });
export const otp = (otp_type: unknown = 'COPY_CODE'): Json => ({ type: 'OTP', otp_type, text: 'Copy code' });

/** A UTILITY template: name, language, category and the given components (a plain body by default). */
export function tpl(components: unknown[] = [body(BODY_TEXT)], top: Json = {}): Json {
  return { name: 'order_update', language: 'en_US', category: 'UTILITY', components, ...top };
}

export function marketing(components: unknown[], top: Json = {}): Json {
  return tpl(components, { category: 'MARKETING', name: 'summer_sale', ...top });
}

/** A valid AUTHENTICATION template: Meta's fixed body, expiry footer and a copy-code OTP button. */
export function auth(components?: unknown[], top: Json = {}): Json {
  return {
    name: 'login_code',
    language: 'en',
    category: 'AUTHENTICATION',
    components: components ?? [
      { type: 'BODY', add_security_recommendation: true },
      { type: 'FOOTER', code_expiration_minutes: 10 },
      buttons(otp()),
    ],
    ...top,
  };
}
