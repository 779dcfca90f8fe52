/**
 * Consent vocabulary and opt-out / opt-in keywords (pure). A message counts as a keyword only when
 * it is the keyword alone (case, accents, spaces and punctuation ignored): "BAJA", "baja.", "Bája!"
 * match; "no quiero la baja del pedido" does not.
 */
export const CONSENT_CATEGORIES = ['marketing', 'utility', 'authentication'] as const;
export type ConsentCategory = (typeof CONSENT_CATEGORIES)[number];
export type ConsentState = 'opted_in' | 'opted_out' | 'unknown';
export const CONSENT_SOURCES = ['form', 'import', 'chat_keyword', 'agent', 'api'] as const;
export type ConsentSource = (typeof CONSENT_SOURCES)[number];

export interface ConsentKeywords {
  optOut: string[];
  optIn: string[];
  /** Replies sent inside the window after a keyword, by language. */
  confirmations: {
    optOut: Record<string, string>;
    optIn: Record<string, string>;
  };
}

/** Spanish, English and Portuguese defaults; workspaces can change them. */
export const DEFAULT_CONSENT_KEYWORDS: ConsentKeywords = {
  optOut: ['BAJA', 'DARME DE BAJA', 'STOP', 'PARAR', 'CANCELAR', 'SAIR', 'UNSUBSCRIBE', 'DESUSCRIBIR', 'NO MAS', 'NAO QUERO'],
  optIn: ['ALTA', 'START', 'SUSCRIBIR', 'VOLVER', 'UNSTOP', 'VOLTAR', 'QUERO'],
  confirmations: {
    optOut: {
      es: 'Listo: no te enviaremos más mensajes promocionales. Si cambias de opinión, escribe ALTA.',
      en: 'Done: we will not send you promotional messages any more. If you change your mind, reply START.',
      pt: 'Pronto: não enviaremos mais mensagens promocionais. Se mudar de ideia, responda VOLTAR.',
    },
    optIn: {
      es: '¡Hecho! Volverás a recibir nuestras novedades. Para dejar de recibirlas, escribe BAJA.',
      en: 'Done! You will receive our news again. To stop, reply STOP.',
      pt: 'Feito! Você voltará a receber nossas novidades. Para parar, responda SAIR.',
    },
  },
};

/** Upper case, no accents, no punctuation, single spaces. */
export function normaliseKeyword(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export function matchConsentKeyword(text: string | null | undefined, keywords: Pick<ConsentKeywords, 'optOut' | 'optIn'>): 'opt_out' | 'opt_in' | null {
  if (!text || text.length > 60) return null;
  const t = normaliseKeyword(text);
  if (t === '') return null;
  if (keywords.optOut.some((k) => normaliseKeyword(k) === t)) return 'opt_out';
  if (keywords.optIn.some((k) => normaliseKeyword(k) === t)) return 'opt_in';
  return null;
}

/** The text of an inbound message that could carry a keyword (typed text or a tapped button). */
export function keywordTextOf(message: Record<string, unknown>): string | null {
  const type = message.type;
  const obj = (k: string) => (typeof message[k] === 'object' && message[k] !== null ? (message[k] as Record<string, unknown>) : {});
  if (type === 'text') return typeof obj('text').body === 'string' ? (obj('text').body as string) : null;
  if (type === 'button') return typeof obj('button').text === 'string' ? (obj('button').text as string) : null;
  return null;
}

/** Pick the confirmation in the contact's language, falling back to Spanish then English. */
export function confirmationFor(keywords: ConsentKeywords, kind: 'opt_out' | 'opt_in', language: string | null | undefined): string | null {
  const table = kind === 'opt_out' ? keywords.confirmations.optOut : keywords.confirmations.optIn;
  const lang = (language ?? '').slice(0, 2).toLowerCase();
  return table[lang] ?? table.es ?? table.en ?? null;
}
