import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { en, type MessageKey } from './en.ts';
import { es } from './es.ts';
import type { Language } from '../api/types.ts';

export type { MessageKey };
export const LANGUAGES: Language[] = ['es', 'en'];
const dictionaries: Record<Language, Record<MessageKey, string>> = { en, es };

export type Vars = Record<string, string | number>;

/** Fill `{name}` placeholders; unknown placeholders stay visible so a missing var is noticed. */
export function format(template: string, vars?: Vars): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export function translate(lang: Language, key: MessageKey, vars?: Vars): string {
  return format(dictionaries[lang][key] ?? en[key], vars);
}

export function browserLanguage(): Language {
  const langs = typeof navigator !== 'undefined' ? navigator.languages ?? [navigator.language] : [];
  for (const l of langs) {
    const base = l.toLowerCase().slice(0, 2);
    if (base === 'es' || base === 'en') return base;
  }
  return 'es';
}

/** Locale for Intl: Spanish follows the browser's region (es-MX, es-AR…) when it is Spanish. */
export function localeFor(lang: Language): string {
  const nav = typeof navigator !== 'undefined' ? navigator.language : '';
  if (nav.toLowerCase().startsWith(lang)) return nav;
  return lang === 'es' ? 'es-ES' : 'en-GB';
}

export interface I18n {
  lang: Language;
  locale: string;
  t: (key: MessageKey, vars?: Vars) => string;
  dateTime: (iso: string | Date) => string;
  time: (iso: string | Date) => string;
  date: (iso: string | Date) => string;
  number: (n: number) => string;
  currency: (n: number, currency: string) => string;
  /** "3 h 12 min" style duration. */
  duration: (ms: number) => string;
  relative: (iso: string | Date) => string;
}

export function makeI18n(lang: Language): I18n {
  const locale = localeFor(lang);
  const dtf = new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' });
  const tf = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
  const df = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
  const nf = new Intl.NumberFormat(locale);
  const rtf = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
  const toDate = (v: string | Date) => (v instanceof Date ? v : new Date(v));
  return {
    lang,
    locale,
    t: (key, vars) => translate(lang, key, vars),
    dateTime: (v) => dtf.format(toDate(v)),
    time: (v) => tf.format(toDate(v)),
    date: (v) => df.format(toDate(v)),
    number: (n) => nf.format(n),
    currency: (n, currency) => new Intl.NumberFormat(locale, { style: 'currency', currency }).format(n),
    duration: (ms) => {
      const total = Math.max(0, Math.floor(ms / 1000));
      const h = Math.floor(total / 3600);
      const m = Math.floor((total % 3600) / 60);
      const s = total % 60;
      const unit = (value: number, u: 'hour' | 'minute' | 'second') =>
        new Intl.NumberFormat(locale, { style: 'unit', unit: u, unitDisplay: 'narrow' }).format(value);
      if (h > 0) return `${unit(h, 'hour')} ${unit(m, 'minute')}`;
      if (m > 0) return `${unit(m, 'minute')} ${unit(s, 'second')}`;
      return unit(s, 'second');
    },
    relative: (v) => {
      const diff = (toDate(v).getTime() - Date.now()) / 1000;
      const abs = Math.abs(diff);
      if (abs < 45) return translate(lang, 'time.now');
      if (abs < 3600) return rtf.format(Math.round(diff / 60), 'minute');
      if (abs < 86400) return rtf.format(Math.round(diff / 3600), 'hour');
      if (abs < 7 * 86400) return rtf.format(Math.round(diff / 86400), 'day');
      return df.format(toDate(v));
    },
  };
}

const I18nContext = createContext<I18n>(makeI18n('es'));

export function I18nProvider({ lang, children }: { lang: Language; children: ReactNode }) {
  const value = useMemo(() => makeI18n(lang), [lang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  return useContext(I18nContext);
}
