// Campaign timing (issue 8), pure: when a recipient's message may first go, in which time zone, and whether a
// moment falls inside the campaign's sending hours. Time zones are IANA names resolved through Intl; `now` is
// always passed in.

/** When the campaign starts: at once; at a wall-clock time in the business's zone; or at HH:MM in each recipient's zone. */
export type Schedule =
  | { kind: 'now' }
  /** `at`: "YYYY-MM-DDTHH:MM" local to the business (or a full ISO instant with offset/Z). */
  | { kind: 'at'; at: string }
  /** `time` "HH:MM" in each recipient's zone, on `date` ("YYYY-MM-DD", that zone's calendar) or the next such time. */
  | { kind: 'local_time'; time: string; date?: string };

/** Sending hours in the recipient's local time (e.g. 09:00–21:00); nothing goes outside. `to` < `from` spans midnight. */
export interface SendHours {
  from: string;
  to: string;
}

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
const LOCAL_DT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function parseHhmm(text: string): number | null {
  const m = HHMM.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
}

const zoneCache = new Map<string, boolean>();
export function isTimeZone(tz: string | null | undefined): tz is string {
  if (!tz) return false;
  let ok = zoneCache.get(tz);
  if (ok === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      ok = true;
    } catch {
      ok = false;
    }
    zoneCache.set(tz, ok);
  }
  return ok;
}

// Countries spanning several zones: the zone most of the population lives in (Intl lists them alphabetically).
const MAIN_ZONE: Readonly<Record<string, string>> = {
  ES: 'Europe/Madrid', MX: 'America/Mexico_City', BR: 'America/Sao_Paulo', AR: 'America/Argentina/Buenos_Aires',
  CL: 'America/Santiago', EC: 'America/Guayaquil', US: 'America/New_York', CA: 'America/Toronto', PT: 'Europe/Lisbon',
  CO: 'America/Bogota', PE: 'America/Lima', RU: 'Europe/Moscow', AU: 'Australia/Sydney', ID: 'Asia/Jakarta',
  GB: 'Europe/London', DE: 'Europe/Berlin', FR: 'Europe/Paris', IT: 'Europe/Rome', NL: 'Europe/Amsterdam',
};

const countryZoneCache = new Map<string, string | null>();
/** The main time zone of a country (ISO alpha-2), or null when unknown. */
export function timeZoneOfCountry(country: string | null | undefined): string | null {
  if (!country) return null;
  const cc = country.toUpperCase();
  if (MAIN_ZONE[cc]) return MAIN_ZONE[cc];
  if (countryZoneCache.has(cc)) return countryZoneCache.get(cc)!;
  let zone: string | null;
  try {
    const zones = (new Intl.Locale(`und-${cc}`) as Intl.Locale & { timeZones?: string[] }).timeZones;
    zone = zones?.[0] ?? null;
  } catch {
    zone = null;
  }
  countryZoneCache.set(cc, zone);
  return zone;
}

/** contacts.time_zone, else the country's main zone, else the business's. */
export function recipientTimeZone(contact: { timeZone?: string | null; country?: string | null }, businessTz: string): string {
  if (isTimeZone(contact.timeZone)) return contact.timeZone;
  const byCountry = timeZoneOfCountry(contact.country);
  return byCountry && isTimeZone(byCountry) ? byCountry : businessTz;
}

const fmtCache = new Map<string, Intl.DateTimeFormat>();
function fmt(tz: string): Intl.DateTimeFormat {
  let f = fmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    fmtCache.set(tz, f);
  }
  return f;
}

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** Wall-clock parts of an instant in a zone. */
export function localParts(at: Date, tz: string): LocalParts {
  const p: Record<string, number> = {};
  for (const part of fmt(tz).formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour! % 24, minute: p.minute!, second: p.second! };
}

function offsetMs(at: Date, tz: string): number {
  const p = localParts(at, tz);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant at which the wall clock in `tz` shows this local time. A time skipped by a DST jump (02:30 on the
 * spring-forward night) moves forward by the gap (03:30), as Temporal's "compatible" does; a repeated one
 * (autumn) takes its first occurrence.
 */
export function zonedToUtc(year: number, month: number, day: number, hour: number, minute: number, tz: string): Date {
  const naive = Date.UTC(year, month - 1, day, hour, minute);
  // The offsets a day either side cover any transition near this time (zones change at most once a day).
  const before = offsetMs(new Date(naive - 86_400_000), tz);
  const after = offsetMs(new Date(naive + 86_400_000), tz);
  const fits = [naive - before, naive - after].filter((t) => {
    const p = localParts(new Date(t), tz);
    return p.year === year && p.month === month && p.day === day && p.hour === hour && p.minute === minute;
  });
  return new Date(fits.length > 0 ? Math.min(...fits) : naive - before);
}

function minuteOfDay(at: Date, tz: string): number {
  const p = localParts(at, tz);
  return p.hour * 60 + p.minute;
}

function addLocalDays(p: { year: number; month: number; day: number }, days: number): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** Whether `at` falls inside the sending hours in `tz` (no hours = always). */
export function insideSendHours(at: Date, tz: string, hours: SendHours | null | undefined): boolean {
  if (!hours) return true;
  const from = parseHhmm(hours.from);
  const to = parseHhmm(hours.to);
  if (from === null || to === null || from === to) return true;
  const m = minuteOfDay(at, tz);
  return from < to ? m >= from && m < to : m >= from || m < to;
}

/** `at` if it is inside the sending hours, else the next opening (local `from`) after it. */
export function nextInsideSendHours(at: Date, tz: string, hours: SendHours | null | undefined): Date {
  if (!hours || insideSendHours(at, tz, hours)) return at;
  const from = parseHhmm(hours.from)!;
  const p = localParts(at, tz);
  for (let d = 0; d <= 2; d++) {
    const day = addLocalDays(p, d);
    const open = zonedToUtc(day.year, day.month, day.day, Math.floor(from / 60), from % 60, tz);
    if (open.getTime() > at.getTime()) return open;
  }
  return at; // unreachable for valid hours
}

export type ScheduleProblem = { field: string; message: string };

/** Check a schedule, sending hours and zone; problems in words. */
export function checkSchedule(schedule: Schedule, hours: SendHours | null | undefined, businessTz: string, endAt: Date | null, now: Date): ScheduleProblem[] {
  const problems: ScheduleProblem[] = [];
  if (!isTimeZone(businessTz)) problems.push({ field: 'timeZone', message: `"${businessTz}" is not a time zone; use an IANA name like Europe/Madrid.` });
  if (schedule.kind === 'at') {
    const t = isTimeZone(businessTz) ? parseBusinessTime(schedule.at, businessTz) : null;
    if (!t) problems.push({ field: 'schedule.at', message: 'Give the start as "YYYY-MM-DDTHH:MM" in the business\'s time zone (or an ISO time with offset).' });
    else if (endAt && t.getTime() >= endAt.getTime()) problems.push({ field: 'endAt', message: 'The end time is before the start.' });
  } else if (schedule.kind === 'local_time') {
    if (parseHhmm(schedule.time) === null) problems.push({ field: 'schedule.time', message: 'Give the time as HH:MM (24 h), e.g. 10:00.' });
    if (schedule.date !== undefined && !DATE.test(schedule.date)) problems.push({ field: 'schedule.date', message: 'Give the date as YYYY-MM-DD.' });
  }
  if (hours) {
    if (parseHhmm(hours.from) === null || parseHhmm(hours.to) === null) problems.push({ field: 'sendHours', message: 'Give sending hours as HH:MM–HH:MM, e.g. 09:00 to 21:00.' });
    else if (hours.from === hours.to) problems.push({ field: 'sendHours', message: 'The sending hours start and end at the same time; leave them out to send at any hour.' });
  }
  if (endAt && endAt.getTime() <= now.getTime()) problems.push({ field: 'endAt', message: 'The end time has already passed.' });
  return problems;
}

/** "2026-11-03T10:00" in the business zone, or an ISO instant with Z/offset. */
export function parseBusinessTime(text: string, tz: string): Date | null {
  const m = LOCAL_DT.exec(text);
  if (m) return zonedToUtc(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), tz);
  if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(text)) {
    const t = new Date(text);
    return Number.isNaN(t.getTime()) ? null : t;
  }
  return null;
}

/**
 * The first moment a recipient may be messaged: the schedule's start (in the business's zone, or HH:MM in the
 * recipient's), never before `now`, moved into the recipient's sending hours.
 */
export function firstDueAt(schedule: Schedule, recipientTz: string, businessTz: string, hours: SendHours | null | undefined, now: Date): Date {
  let start = now;
  if (schedule.kind === 'at') {
    const t = parseBusinessTime(schedule.at, businessTz);
    if (t && t.getTime() > now.getTime()) start = t;
  } else if (schedule.kind === 'local_time') {
    const minutes = parseHhmm(schedule.time) ?? 0;
    const dm = schedule.date ? DATE.exec(schedule.date) : null;
    const base = dm ? { year: Number(dm[1]), month: Number(dm[2]), day: Number(dm[3]) } : localParts(now, recipientTz);
    let t = zonedToUtc(base.year, base.month, base.day, Math.floor(minutes / 60), minutes % 60, recipientTz);
    // Without a date: today's HH:MM if still ahead, else tomorrow's. With a date already past there: at once.
    if (!dm && t.getTime() < now.getTime()) {
      const next = addLocalDays(base, 1);
      t = zonedToUtc(next.year, next.month, next.day, Math.floor(minutes / 60), minutes % 60, recipientTz);
    }
    if (t.getTime() > now.getTime()) start = t;
  }
  return nextInsideSendHours(start, recipientTz, hours);
}
