// Where read receipts go in a timeline. A receipt is about my own messages: each reader (anyone but me) has read up
// to their marker, so the newest of my messages at or below it is where that reader "stopped". A line goes under
// each of my messages where some reader stopped, naming everyone who has read that far (readers of a later message
// have read the earlier ones too): WeChat/Slack-like, the set shrinks going down the timeline and a line shows
// wherever it changes. Recalled and system messages never carry one.

interface Row {
  seq: number;
  kind: string;
  sender: { id: number };
  deletedAt: string | null;
}

/**
 * For each of my messages that carries a receipt line, the readers who have read it (ids, furthest reader first).
 * `markers`: other members' read markers (userId -> lastReadSeq); `items`: the loaded timeline in seq order.
 */
export function receiptLines(items: readonly Row[], markers: Readonly<Record<number, number>>, selfId: number): Map<number, number[]> {
  const lines = new Map<number, number[]>();
  const mine: number[] = [];
  for (const m of items) if (m.sender.id === selfId && m.kind !== 'system' && m.deletedAt === null) mine.push(m.seq);
  if (mine.length === 0) return lines;
  const readers = Object.entries(markers)
    .map(([id, seq]) => ({ id: Number(id), seq }))
    .filter((r) => r.id !== selfId && r.seq >= mine[0]!)
    .sort((a, b) => b.seq - a.seq || a.id - b.id);
  // Walk my messages newest first and the readers furthest first: everyone at or past a message has read it.
  let k = 0;
  const upTo: number[] = [];
  for (let i = mine.length - 1; i >= 0 && k < readers.length; i -= 1) {
    const seq = mine[i]!;
    let stopped = false;
    while (k < readers.length && readers[k]!.seq >= seq) {
      upTo.push(readers[k]!.id);
      k += 1;
      stopped = true;
    }
    if (stopped) lines.set(seq, [...upTo]);
  }
  return lines;
}
