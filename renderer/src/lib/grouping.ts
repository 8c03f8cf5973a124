// How a history row looks next to the one before it: a day separator when the local day changes, and "grouped"
// (no avatar/name) when it continues the same sender's run within a few minutes. Computed only for the rows being
// rendered, with each message's parsed time and local day cached on the message object, so neither a render nor
// a prepended page re-parses dates across the loaded history.
import { dayKey } from './format.js';

const GROUP_GAP_MS = 5 * 60_000;

interface Stamp {
  ms: number;
  day: number;
}

const stamps = new WeakMap<object, Stamp>();

function stampOf(item: { createdAt: string }): Stamp {
  let s = stamps.get(item);
  if (!s) {
    const d = new Date(item.createdAt);
    s = { ms: d.getTime(), day: dayKey(d) };
    stamps.set(item, s);
  }
  return s;
}

interface Row {
  createdAt: string;
}
interface PrevRow extends Row {
  kind: string;
  sender: { id: number };
}

/** The row starts a new local day (or is the first loaded). */
export function startsDay(prev: Row | undefined, row: Row): boolean {
  return !prev || stampOf(prev).day !== stampOf(row).day;
}

/** The row continues the previous row's sender run: same sender, same day, less than five minutes apart. */
export function continuesRun(prev: PrevRow | undefined, senderId: number, row: Row): boolean {
  if (!prev || prev.sender.id !== senderId || prev.kind === 'system') return false;
  const a = stampOf(prev);
  const b = stampOf(row);
  return a.day === b.day && b.ms - a.ms < GROUP_GAP_MS;
}
