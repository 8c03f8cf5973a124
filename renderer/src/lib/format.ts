// Dates and times through Intl, in the UI language: "14:05" today, "Tue" this week, "12 Mar" this year, else full.
const DAY = 86_400_000;

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

function startOfDay(d: Date): number {
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

export function dayKey(iso: string): number {
  return startOfDay(new Date(iso));
}

export function timeOfDay(iso: string, lang: string): string {
  return fmt(lang, { hour: 'numeric', minute: '2-digit' }).format(new Date(iso));
}

/** Short stamp for the room list. */
export function listStamp(iso: string, lang: string, now = new Date()): string {
  const d = new Date(iso);
  const days = (startOfDay(now) - startOfDay(d)) / DAY;
  if (days <= 0) return timeOfDay(iso, lang);
  if (days < 7) return fmt(lang, { weekday: 'short' }).format(d);
  if (d.getFullYear() === now.getFullYear()) return fmt(lang, { month: 'short', day: 'numeric' }).format(d);
  return fmt(lang, { dateStyle: 'medium' }).format(d);
}

/** Day separator label; "today"/"yesterday" come from the translations. */
export function dayLabel(iso: string, lang: string, words: { today: string; yesterday: string }, now = new Date()): string {
  const days = (startOfDay(now) - dayKey(iso)) / DAY;
  if (days === 0) return words.today;
  if (days === 1) return words.yesterday;
  const d = new Date(iso);
  return fmt(lang, {
    weekday: 'long',
    month: 'long',
    day: 'numeric',
    ...(d.getFullYear() === now.getFullYear() ? {} : { year: 'numeric' }),
  }).format(d);
}

export function fullStamp(iso: string, lang: string): string {
  return fmt(lang, { dateStyle: 'full', timeStyle: 'short' }).format(new Date(iso));
}
