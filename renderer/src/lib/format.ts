// Dates and times through Intl, in the UI language: "14:05" today, "Tue" this week, "12 Mar" this year, else full.
// Days are counted in calendar days with date-fns, never as a difference in milliseconds over 86,400,000: a local
// day is 23 or 25 hours long when daylight saving time starts or ends.
import { differenceInCalendarDays, isSameYear, startOfDay } from 'date-fns';

// Building an Intl.DateTimeFormat costs far more than using one, and every visible message formats a time on
// each render: keep one per language and option set.
const formatters = new Map<string, Intl.DateTimeFormat>();
function fmt(lang: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = lang + JSON.stringify(options);
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, options);
    formatters.set(key, f);
  }
  return f;
}

/** The local calendar day of an instant, as the time its day starts (a day separator starts where it changes). */
export function dayKey(iso: string | Date): number {
  return startOfDay(iso).getTime();
}

export function timeOfDay(iso: string, lang: string): string {
  return fmt(lang, { hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
}

/** Short stamp for the room list. */
export function listStamp(iso: string, lang: string, now = new Date()): string {
  const d = new Date(iso);
  const days = differenceInCalendarDays(now, d);
  if (days <= 0) return timeOfDay(iso, lang);
  if (days < 7) return fmt(lang, { weekday: 'short' }).format(d);
  if (isSameYear(d, now)) return fmt(lang, { month: 'short', day: 'numeric' }).format(d);
  return fmt(lang, { dateStyle: 'medium' }).format(d);
}

/** Day separator label; "today"/"yesterday" come from the translations. */
export function dayLabel(iso: string, lang: string, words: { today: string; yesterday: string }, now = new Date()): string {
  const d = new Date(iso);
  const days = differenceInCalendarDays(now, d);
  if (days === 0) return words.today;
  if (days === 1) return words.yesterday;
  return fmt(lang, {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    ...(isSameYear(d, now) ? {} : { year: 'numeric' }),
  }).format(d);
}

export function fullStamp(iso: string, lang: string): string {
  return fmt(lang, { dateStyle: 'full', timeStyle: 'short' }).format(new Date(iso));
}
