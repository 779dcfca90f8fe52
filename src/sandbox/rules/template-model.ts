/** A message template as the Graph API stores and returns it. */
export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
export type TemplateStatus =
  | 'APPROVED'
  | 'PENDING'
  | 'REJECTED'
  | 'PAUSED'
  | 'DISABLED'
  | 'IN_APPEAL'
  | 'PENDING_DELETION'
  | 'DELETED'
  | 'ARCHIVED'
  | 'LIMIT_EXCEEDED'
  | 'LOCKED'
  | 'FLAGGED';
export type ParameterFormat = 'POSITIONAL' | 'NAMED';

export interface TemplateButton {
  type: string;
  text?: string;
  url?: string;
  phone_number?: string;
  otp_type?: 'COPY_CODE' | 'ONE_TAP' | 'ZERO_TAP';
  example?: unknown;
  [key: string]: unknown;
}

export interface TemplateComponent {
  type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS';
  format?: 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'LOCATION' | 'GIF';
  text?: string;
  example?: Record<string, unknown>;
  buttons?: TemplateButton[];
  add_security_recommendation?: boolean;
  code_expiration_minutes?: number;
}

export interface Template {
  id: string;
  wabaId: string;
  name: string;
  language: string;
  category: TemplateCategory;
  parameterFormat: ParameterFormat;
  components: TemplateComponent[];
  status: TemplateStatus;
  qualityScore: 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN';
  rejectedReason: string;
  /** How many times quality paused it; the third pause disables it. */
  pauseCount: number;
  createdAt: number;
  /** Clock times of edits, for the 1-per-24h / 10-per-30-days rule. */
  edits: number[];
}

/** Variable names in order of appearance: "1","2"… or "first_name"… */
export function placeholders(text: string | undefined): string[] {
  if (!text) return [];
  const out: string[] = [];
  for (const m of text.matchAll(/\{\{\s*([^{}]*?)\s*\}\}/g)) out.push(m[1] ?? '');
  return out;
}

export function componentOf(t: Pick<Template, 'components'>, type: TemplateComponent['type']): TemplateComponent | undefined {
  return t.components.find((c) => c.type === type);
}

export function buttonsOf(t: Pick<Template, 'components'>): TemplateButton[] {
  return componentOf(t, 'BUTTONS')?.buttons ?? [];
}

/** Authentication templates whose code rides in a button cannot go to a BSUID (131062). */
export function hasOtpButton(t: Pick<Template, 'components'>): boolean {
  return buttonsOf(t).some(
    (b) => b.type === 'OTP' || b.type === 'COPY_CODE' || b.otp_type !== undefined,
  );
}

/** Auth templates have fixed, localised body text with one code variable. */
export function authBodyText(language: string): string {
  return language.startsWith('es')
    ? '*{{1}}* es tu código de verificación.'
    : language.startsWith('pt')
      ? '*{{1}}* é o seu código de verificação.'
      : '*{{1}}* is your verification code.';
}

export function bodyText(t: Pick<Template, 'components' | 'category' | 'language'>): string {
  const body = componentOf(t, 'BODY');
  if (body?.text) return body.text;
  return t.category === 'AUTHENTICATION' ? authBodyText(t.language) : '';
}
