import { randomBytes } from 'node:crypto';

/**
 * Meta's error catalogue as far as the sandbox uses it: title (embedded in the message as
 * "(#code) title") and the HTTP status from Meta's table (400 when the table has none).
 */
const CATALOG: Record<number, { title: string; http: number }> = {
  0: { title: 'AuthException', http: 401 },
  1: { title: 'API Unknown', http: 400 },
  2: { title: 'API Service', http: 503 },
  3: { title: 'API Method', http: 500 },
  4: { title: 'API Too Many Calls', http: 400 },
  10: { title: 'Permission Denied', http: 403 },
  100: { title: 'Invalid parameter', http: 400 },
  190: { title: 'Access token has expired', http: 401 },
  368: { title: 'Temporarily blocked for policies violations', http: 403 },
  80007: { title: 'Rate limit issues', http: 400 },
  130429: { title: 'Rate limit hit', http: 400 },
  130472: { title: "User's number is part of an experiment", http: 400 },
  131000: { title: 'Something went wrong', http: 500 },
  131005: { title: 'Access denied', http: 403 },
  131008: { title: 'Required parameter is missing', http: 400 },
  131009: { title: 'Parameter value is not valid', http: 400 },
  131016: { title: 'Service unavailable', http: 500 },
  131021: { title: 'Recipient cannot be sender', http: 400 },
  131026: { title: 'Message undeliverable', http: 400 },
  131030: { title: 'Recipient phone number not in allowed list', http: 400 },
  131031: { title: 'Account has been locked', http: 403 },
  131042: { title: 'Business eligibility payment issue', http: 400 },
  131047: { title: 'Re-engagement message', http: 400 },
  131048: { title: 'Spam rate limit hit', http: 400 },
  131049: {
    title: 'This message was not delivered to maintain healthy ecosystem engagement.',
    http: 400,
  },
  131050: {
    title:
      'Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business.',
    http: 400,
  },
  131051: { title: 'Unsupported message type', http: 400 },
  131052: { title: 'Media download error', http: 400 },
  131053: { title: 'Media upload error', http: 400 },
  131056: { title: '(Business Account, Consumer Account) pair rate limit hit', http: 400 },
  131057: { title: 'Account in maintenance mode', http: 500 },
  131062: { title: 'Business-scoped user ID recipients not supported', http: 400 },
  132000: { title: 'Number of parameters does not match the expected number of params', http: 400 },
  132001: { title: 'Template name does not exist in the translation', http: 404 },
  132005: { title: 'Translated text too long', http: 400 },
  132007: { title: 'Template Format Character Policy Violated', http: 400 },
  132012: { title: 'Parameter format does not match format in the created template', http: 400 },
  132015: { title: 'Template is Paused', http: 400 },
  132016: { title: 'Template is Disabled', http: 400 },
  132018: { title: 'There was an issue with the parameters in your template.', http: 400 },
  133004: { title: 'Server Temporarily Unavailable', http: 503 },
  133010: { title: 'Phone number Not Registered', http: 400 },
  135000: { title: 'Generic user error', http: 400 },
  137000: { title: 'Identity key mismatch', http: 400 },
  2388299: { title: 'Variables can\'t be at the start or end of the template.', http: 400 },
};

/** Codes Meta reports on a `failed` status webhook rather than in the HTTP response. */
export const ASYNC_CODES: ReadonlySet<number> = new Set([131026, 131047, 131049, 131050, 137000, 130472]);

export function errorTitle(code: number): string {
  return CATALOG[code]?.title ?? 'Unknown error';
}

export function httpStatusFor(code: number): number {
  return CATALOG[code]?.http ?? 400;
}

export function isKnownCode(code: number): boolean {
  return code in CATALOG;
}

/** A rule violation answered synchronously with Meta's error body. */
export class GraphError extends Error {
  readonly code: number;
  readonly details: string;
  readonly httpStatus: number;
  readonly subcode: number | undefined;

  constructor(code: number, details: string, opts: { httpStatus?: number; subcode?: number } = {}) {
    super(`(#${code}) ${errorTitle(code)}`);
    this.code = code;
    this.details = details;
    this.httpStatus = opts.httpStatus ?? httpStatusFor(code);
    this.subcode = opts.subcode;
  }
}

export const missing = (field: string): GraphError =>
  new GraphError(131008, `The parameter ${field} is required.`);
export const invalid = (field: string, why: string): GraphError =>
  new GraphError(131009, `Parameter ${field} is not valid: ${why}`);
export const badParam = (details: string): GraphError => new GraphError(100, details);

export function fbtraceId(): string {
  return randomBytes(9).toString('base64').replace(/[+/]/g, 'A');
}

/** The synchronous error body, same keys and order as Graph API responses. */
export function graphErrorBody(err: GraphError): {
  error: {
    message: string;
    type: string;
    code: number;
    error_subcode?: number;
    error_data: { messaging_product: 'whatsapp'; details: string };
    fbtrace_id: string;
  };
} {
  return {
    error: {
      message: err.message,
      type: 'OAuthException',
      code: err.code,
      ...(err.subcode !== undefined ? { error_subcode: err.subcode } : {}),
      error_data: { messaging_product: 'whatsapp', details: err.details },
      fbtrace_id: fbtraceId(),
    },
  };
}

export const ERROR_CODES_HREF =
  'https://developers.facebook.com/documentation/business-messaging/whatsapp/support/error-codes';

export interface AsyncError {
  code: number;
  title: string;
  message: string;
  error_data: { details: string };
  href: string;
}

/** The error object inside `statuses[].errors` / `messages[].errors` webhooks. */
export function asyncError(code: number, details: string): AsyncError {
  const title = errorTitle(code);
  return { code, title, message: title, error_data: { details }, href: ERROR_CODES_HREF };
}
