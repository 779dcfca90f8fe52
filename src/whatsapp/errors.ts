// Cloud API error responses (spec §2.1) as a typed error. Retry decisions come from the core table
// (src/core/errors.ts), not from here: this module only parses shapes.
import { explainError, type ErrorInfo } from '../core/errors.ts';

export interface CloudApiErrorFields {
  /** HTTP status of the answer; 0 when there was none (network error). */
  httpStatus: number;
  /** Meta's error code (e.g. 130429); -1 for a network error, 0 when the body had none. */
  code: number;
  title: string;
  /** error_data.details (Meta's human text), or the message when there is none. */
  details: string | null;
  fbtraceId: string | null;
  retryable: boolean;
  /** Network errors only: the request may have reached Meta (the answer was lost), so a resend may duplicate. */
  maybeDelivered?: boolean;
}

export class CloudApiError extends Error implements CloudApiErrorFields {
  readonly httpStatus: number;
  readonly code: number;
  readonly title: string;
  readonly details: string | null;
  readonly fbtraceId: string | null;
  readonly retryable: boolean;
  readonly maybeDelivered: boolean;
  readonly info: ErrorInfo;
  constructor(fields: CloudApiErrorFields, info: ErrorInfo) {
    super(fields.code > 0 ? `(#${fields.code}) ${fields.title}${fields.details ? `: ${fields.details}` : ''}` : fields.title);
    this.name = 'CloudApiError';
    this.httpStatus = fields.httpStatus;
    this.code = fields.code;
    this.title = fields.title;
    this.details = fields.details;
    this.fbtraceId = fields.fbtraceId;
    this.retryable = fields.retryable;
    this.maybeDelivered = fields.maybeDelivered ?? false;
    this.info = info;
  }

  /** What we store in messages.errors: Meta's words plus ours. */
  toStored(): StoredError {
    return {
      code: this.code,
      title: this.title,
      message: this.message,
      details: this.details,
      httpStatus: this.httpStatus,
      fbtraceId: this.fbtraceId,
      explanation: this.info.explanation,
      advice: this.info.advice,
    };
  }
}

export interface StoredError {
  code: number;
  title: string;
  message: string;
  details: string | null;
  httpStatus?: number;
  fbtraceId?: string | null;
  explanation?: { en: string; es: string };
  advice?: { en: string; es: string };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Meta puts the title inside message as "(#131030) Recipient phone number not in allowed list". */
function titleOf(message: string | undefined, code: number): string | undefined {
  if (!message) return undefined;
  const m = /^\(#(\d+)\)\s*(.*)$/s.exec(message);
  if (m && Number(m[1]) === code) return m[2]?.trim() || undefined;
  return message;
}

/** A non-2xx Graph answer → CloudApiError. Bodies that are not Meta's shape still give a usable error. */
export function parseGraphError(httpStatus: number, body: unknown): CloudApiError {
  const err = isRecord(body) && isRecord(body.error) ? body.error : null;
  const code = err && typeof err.code === 'number' ? err.code : err && typeof err.code === 'string' && /^\d+$/.test(err.code) ? Number(err.code) : null;
  const message = err && typeof err.message === 'string' ? err.message : undefined;
  const data = err && isRecord(err.error_data) ? err.error_data : null;
  const details = data && typeof data.details === 'string' ? data.details : (message ?? null);
  const info = explainError({ code, httpStatus, title: titleOf(message, code ?? -2) });
  const title = (err && typeof err.error_user_title === 'string' && err.error_user_title) || titleOf(message, code ?? -2) || info.title;
  return new CloudApiError(
    {
      httpStatus,
      code: code ?? 0,
      title,
      details,
      fbtraceId: err && typeof err.fbtrace_id === 'string' ? err.fbtrace_id : null,
      retryable: info.retryable,
    },
    info,
  );
}

const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** No HTTP answer at all. Connection failures mean Meta never saw the request; a lost answer means it may have. */
export function networkError(cause: unknown): CloudApiError {
  const code = isRecord(cause) && typeof cause.code === 'string' ? cause.code : 'UNKNOWN';
  const info = explainError({ network: true });
  const e = new CloudApiError(
    {
      httpStatus: 0,
      code: -1,
      title: 'Network error',
      details: `${code}: ${cause instanceof Error ? cause.message : String(cause)}`,
      fbtraceId: null,
      retryable: true,
      maybeDelivered: !NOT_SENT.has(code),
    },
    info,
  );
  e.cause = cause;
  return e;
}
