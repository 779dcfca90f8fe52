import { numericId } from '../ids.ts';
import type { Random } from '../random.ts';
import type { Template } from '../rules/template-model.ts';

type Draft = Omit<Template, 'id' | 'wabaId' | 'status' | 'qualityScore' | 'rejectedReason' | 'pauseCount' | 'createdAt' | 'edits'>;

/** Pre-approved templates so a fresh sandbox can send business-initiated messages at once. */
const DRAFTS: Draft[] = [
  {
    name: 'hello_world',
    language: 'en_US',
    category: 'UTILITY',
    parameterFormat: 'POSITIONAL',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Hello World' },
      { type: 'BODY', text: 'Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us.' },
      { type: 'FOOTER', text: 'WhatsApp Business Platform sample message' },
    ],
  },
  {
    name: 'order_update',
    language: 'es',
    category: 'UTILITY',
    parameterFormat: 'POSITIONAL',
    components: [
      { type: 'BODY', text: 'Hola {{1}}, tu pedido {{2}} ya está en camino.', example: { body_text: [['Lucía', 'A-1001']] } },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Seguir pedido', url: 'https://example.com/track/{{1}}', example: ['https://example.com/track/A-1001'] }] },
    ],
  },
  {
    name: 'order_update',
    language: 'en_US',
    category: 'UTILITY',
    parameterFormat: 'POSITIONAL',
    components: [
      { type: 'BODY', text: 'Hi {{1}}, your order {{2}} is on its way.', example: { body_text: [['Emily', 'A-1001']] } },
      { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'Track order', url: 'https://example.com/track/{{1}}', example: ['https://example.com/track/A-1001'] }] },
    ],
  },
  {
    name: 'appointment_reminder',
    language: 'es',
    category: 'UTILITY',
    parameterFormat: 'NAMED',
    components: [
      { type: 'HEADER', format: 'TEXT', text: 'Recordatorio para {{first_name}}', example: { header_text_named_params: [{ param_name: 'first_name', example: 'Lucía' }] } },
      {
        type: 'BODY',
        text: 'Te esperamos el {{date}} a las {{time}}. Responde si necesitas cambiarlo.',
        example: { body_text_named_params: [{ param_name: 'date', example: '12/05' }, { param_name: 'time', example: '10:00' }] },
      },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Confirmar' }, { type: 'QUICK_REPLY', text: 'Cambiar cita' }] },
    ],
  },
  {
    name: 'spring_promo',
    language: 'es',
    category: 'MARKETING',
    parameterFormat: 'POSITIONAL',
    components: [
      { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['4::aW1hZ2UvanBlZw==:ARa'] } },
      { type: 'BODY', text: 'Hola {{1}}, esta semana tienes un {{2}} de descuento en toda la tienda.', example: { body_text: [['Lucía', '20%']] } },
      { type: 'FOOTER', text: 'Responde BAJA para no recibir promociones' },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Me interesa' }, { type: 'QUICK_REPLY', text: 'No, gracias' }] },
    ],
  },
  {
    name: 'spring_promo',
    language: 'en_US',
    category: 'MARKETING',
    parameterFormat: 'POSITIONAL',
    components: [
      { type: 'BODY', text: 'Hi {{1}}, this week you get {{2}} off everything in store.', example: { body_text: [['Emily', '20%']] } },
      { type: 'FOOTER', text: 'Reply STOP to opt out' },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Interested' }, { type: 'QUICK_REPLY', text: 'No thanks' }] },
    ],
  },
  {
    name: 'verification_code',
    language: 'es',
    category: 'AUTHENTICATION',
    parameterFormat: 'POSITIONAL',
    components: [
      { type: 'BODY', add_security_recommendation: true },
      { type: 'FOOTER', code_expiration_minutes: 10 },
      { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copiar código' }] },
    ],
  },
  {
    name: 'verification_code',
    language: 'en_US',
    category: 'AUTHENTICATION',
    parameterFormat: 'POSITIONAL',
    components: [
      { type: 'BODY', add_security_recommendation: true },
      { type: 'FOOTER', code_expiration_minutes: 10 },
      { type: 'BUTTONS', buttons: [{ type: 'OTP', otp_type: 'COPY_CODE', text: 'Copy code' }] },
    ],
  },
];

export function seedTemplates(wabaId: string, rng: Random, now: number): Template[] {
  return DRAFTS.map((d) => ({
    ...structuredClone(d),
    id: numericId(rng, 16),
    wabaId,
    status: 'APPROVED',
    qualityScore: 'GREEN',
    rejectedReason: 'NONE',
    pauseCount: 0,
    createdAt: now,
    edits: [],
  }));
}
