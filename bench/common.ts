// Shared by the benchmarks: a real server in this process on its own fresh database, and small statistics.
import { cpus } from 'node:os';
import { startTestServer, type TestServer } from '../server/test/harness.js';

export { startTestServer, type TestServer };

export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

export const median = (values: readonly number[]) => quantile(values, 0.5);

export function machine(): string {
  const list = cpus();
  return `${list.length} x ${list[0]?.model.trim() ?? 'unknown CPU'}, Node ${process.version}`;
}

/** Prints rows as an aligned text table. */
export function printTable(headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  process.stdout.write(line(headers) + '\n' + widths.map((w) => '-'.repeat(w)).join('  ') + '\n');
  for (const r of cells.slice(1)) process.stdout.write(line(r) + '\n');
}

export const ms = (n: number) => n.toFixed(2);
