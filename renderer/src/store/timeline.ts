// Pure helpers for one room's loaded history. Seqs in a room are gap-free (PROTOCOL.md), so the loaded part of a
// room is kept as one contiguous run of seqs: a message's index is `seq - items[0].seq`, lookups are O(1), and the
// virtualised list can use the seq itself as a stable item index when older pages are prepended.
import type { Message } from '../../../protocol/types.js';

export interface Timeline {
  items: Message[];
  /** Older messages exist on the server: seqs start at 1, so this is simply "first seq > 1". */
  hasMoreBefore: boolean;
  loadingBefore: boolean;
  /** The newest page has been fetched at least once since the room was opened. */
  initialised: boolean;
}

export const emptyTimeline: Timeline = { items: [], hasMoreBefore: false, loadingBefore: false, initialised: false };

/** Newer wins: an edit or recall replaces the earlier state of a message, never the other way round. */
function newer(a: Message, b: Message): Message {
  const stamp = (m: Message) => Math.max(Date.parse(m.editedAt ?? '') || 0, Date.parse(m.deletedAt ?? '') || 0);
  return stamp(b) >= stamp(a) ? b : a;
}

/** Merge messages into a timeline, deduplicated by seq, keeping only the newest contiguous run. */
export function mergeMessages(t: Timeline, incoming: readonly Message[]): Timeline {
  if (incoming.length === 0) return t;
  const first = t.items[0];
  const last = t.items[t.items.length - 1];
  // Fast path: the live case, one message right after the newest we hold.
  if (incoming.length === 1 && last && incoming[0]!.seq === last.seq + 1) {
    return { ...t, items: [...t.items, incoming[0]!] };
  }
  if (incoming.length === 1 && !first) {
    return { ...t, items: [incoming[0]!], hasMoreBefore: incoming[0]!.seq > 1 };
  }
  // Fast path: an update of a message we hold.
  if (incoming.length === 1 && first && last && incoming[0]!.seq >= first.seq && incoming[0]!.seq <= last.seq) {
    const i = incoming[0]!.seq - first.seq;
    const current = t.items[i]!;
    const next = newer(current, incoming[0]!);
    if (next === current) return t;
    const items = t.items.slice();
    items[i] = next;
    return { ...t, items };
  }
  const bySeq = new Map<number, Message>();
  for (const m of t.items) bySeq.set(m.seq, m);
  for (const m of incoming) {
    const have = bySeq.get(m.seq);
    bySeq.set(m.seq, have ? newer(have, m) : m);
  }
  const sorted = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
  // A hole means the older part is disconnected from the newer: drop it, it will be paged in again.
  let start = sorted.length - 1;
  while (start > 0 && sorted[start - 1]!.seq === sorted[start]!.seq - 1) start -= 1;
  const items = start === 0 ? sorted : sorted.slice(start);
  return { ...t, items, hasMoreBefore: items[0]!.seq > 1 };
}

/** An older page fetched with before=<first seq>. */
export function prependPage(t: Timeline, page: readonly Message[]): Timeline {
  const first = t.items[0];
  const older = first ? page.filter((m) => m.seq < first.seq) : page;
  if (first && older.length && older[older.length - 1]!.seq !== first.seq - 1) {
    // Not adjacent (should not happen with keyset paging); fall back to the general merge.
    return { ...mergeMessages(t, page), loadingBefore: false };
  }
  const items = [...older, ...t.items];
  return { ...t, items, hasMoreBefore: (items[0]?.seq ?? 1) > 1, loadingBefore: false };
}

export function messageBySeq(t: Timeline, seq: number): Message | undefined {
  const first = t.items[0];
  return first ? t.items[seq - first.seq] : undefined;
}
