// Shapes of a template definition as submitted to `POST /{WABA_ID}/message_templates`
// (whatsapp-cloud-api.md §4.3 and §6). The validator accepts `unknown` and reads these shapes
// defensively, so the types describe the well-formed case only.

import type { TemplateProblemCode } from './rules.ts';

export type TemplateCategory = 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';

/** Meta spells it `positional`/`named` in its docs and `POSITIONAL`/`NAMED` in some SDKs; both are read. */
export type ParameterFormat = 'positional' | 'named';

export type HeaderFormat = 'TEXT' | 'IMAGE' | 'VIDEO' | 'DOCUMENT' | 'GIF' | 'LOCATION';

export interface NamedParamExample {
  param_name: string;
  example: string;
}

export interface HeaderComponent {
  type: 'HEADER';
  format: HeaderFormat;
  /** TEXT headers only. */
  text?: string;
  example?: {
    header_text?: string[];
    header_text_named_params?: NamedParamExample[];
    /** Media headers: handles from the Resumable Upload API. */
    header_handle?: string[];
  };
}

export interface BodyComponent {
  type: 'BODY';
  /** Optional for AUTHENTICATION (Meta supplies the wording); required otherwise. */
  text?: string;
  example?: {
    /** One row of sample values, one per positional variable: `[["Jessica", "SKBUP2"]]`. */
    body_text?: string[][];
    body_text_named_params?: NamedParamExample[];
  };
  /** AUTHENTICATION only: append Meta's "do not share this code" sentence. */
  add_security_recommendation?: boolean;
}

export interface FooterComponent {
  type: 'FOOTER';
  text?: string;
  /** AUTHENTICATION only: Meta renders "This code expires in N minutes." */
  code_expiration_minutes?: number;
}

export interface QuickReplyButton {
  type: 'QUICK_REPLY';
  text: string;
}

export interface UrlButton {
  type: 'URL';
  text: string;
  /** May end in one variable: `https://shop.example/track/{{1}}`. */
  url: string;
  /** Sample for the variable: the full URL or just the suffix. */
  example?: string[];
}

export interface PhoneNumberButton {
  type: 'PHONE_NUMBER';
  text: string;
  phone_number: string;
}

export interface CopyCodeButton {
  type: 'COPY_CODE';
  /** The sample coupon code, ≤ 15 characters. */
  example: string;
}

export type OtpType = 'COPY_CODE' | 'ONE_TAP' | 'ZERO_TAP';

export interface OtpButton {
  type: 'OTP';
  otp_type: OtpType;
  text?: string;
  autofill_text?: string;
  package_name?: string;
  signature_hash?: string;
  supported_apps?: { package_name: string; signature_hash: string }[];
  zero_tap_terms_accepted?: boolean;
}

/** Documented kinds the validator only counts and passes through. */
export type PassThroughButtonType = 'VOICE_CALL' | 'MPM' | 'SPM' | 'FLOW' | 'CATALOG';

export interface PassThroughButton {
  type: PassThroughButtonType;
  text?: string;
  [key: string]: unknown;
}

export type TemplateButton =
  | QuickReplyButton
  | UrlButton
  | PhoneNumberButton
  | CopyCodeButton
  | OtpButton
  | PassThroughButton;

export type ButtonType = TemplateButton['type'];

export interface ButtonsComponent {
  type: 'BUTTONS';
  buttons: TemplateButton[];
}

/** Documented component kinds (LTO, carousel) that are passed through unchecked. */
export interface PassThroughComponent {
  type: 'LIMITED_TIME_OFFER' | 'CAROUSEL';
  [key: string]: unknown;
}

export type TemplateComponent =
  | HeaderComponent
  | BodyComponent
  | FooterComponent
  | ButtonsComponent
  | PassThroughComponent;

export interface TemplateDefinition {
  name: string;
  language: string;
  category: TemplateCategory;
  parameter_format?: ParameterFormat | 'POSITIONAL' | 'NAMED';
  components: TemplateComponent[];
}

/** A template already in the WABA, as listed by `GET /{WABA_ID}/message_templates`. */
export interface ExistingTemplate {
  id?: string;
  name?: string;
  language?: string;
  category?: string;
  components?: unknown;
}

export interface ValidateOptions {
  /** Templates of the same WABA, for the duplicate-wording rule. */
  existing?: readonly ExistingTemplate[];
}

export type ComponentKind = 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS';

export interface TemplateProblem {
  /** Our stable code, see `TEMPLATE_RULES`. */
  code: TemplateProblemCode;
  /** Where the problem is: `name`, `language`, `components[1]`, `components[3].buttons[2]`. */
  path: string;
  /** The property under `path` at fault: `text`, `url`, `example.body_text`, … */
  field?: string;
  /** The component kind at `path`, when the problem is inside a component. */
  component?: ComponentKind;
  /** 0-based offset (UTF-16 code units, as a textarea counts) of the offending variable or character. */
  position?: number;
  /** The Meta error code this would cause on create, when known (whatsapp-cloud-api.md §2.2). */
  metaCode?: number;
  /** One English sentence or two a person can act on. */
  message: string;
}

/** One variable occurrence in a text. */
export interface TemplateVariable {
  kind: ParameterFormat;
  /** `"1"` for `{{1}}`, `"first_name"` for `{{first_name}}`. */
  key: string;
  /** Positional only. */
  index?: number;
  /** Named only. */
  name?: string;
  /** The placeholder as written, braces included. */
  raw: string;
  /** 0-based offset of the first `{`. */
  start: number;
  /** Offset just after the last `}`. */
  end: number;
}
