// Values read back from either database, normalised: MySQL gives Date/0|1/JSON text, SQLite gives epoch ms/0|1/text.
export function iso(value: Date | number | string): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return new Date(value).toISOString();
  return new Date(/^\d+$/.test(value) ? Number(value) : value).toISOString();
}

export function isoOrNull(value: Date | number | string | null | undefined): string | null {
  return value === null || value === undefined ? null : iso(value);
}

export function bool(value: unknown): boolean {
  return value === true || value === 1 || value === '1';
}

export function num(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

export function json<T>(value: unknown): T | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return JSON.parse(value) as T;
  return value as T;
}
