import { describe, expect, it } from 'vitest';
import type { Message } from '../../../protocol/types.js';
import { emptyTimeline, mergeMessages, messageBySeq, prependPage } from './timeline.js';

const user = { id: 1, username: 'a', displayName: 'A', avatarUrl: null, online: true, lastSeenAt: null };
function msg(seq: number, extra: Partial<Message> = {}): Message {
  return {
    id: 1000 + seq,
    roomId: 7,
    seq,
    clientId: `c${seq}`,
    sender: user,
    kind: 'text',
    body: `m${seq}`,
    attachment: null,
    replyToId: null,
    replyTo: null,
    mentions: [],
    reactions: [],
    system: null,
    createdAt: new Date(1_700_000_000_000 + seq * 1000).toISOString(),
    editedAt: null,
    deletedAt: null,
    ...extra,
  };
}
const seqs = (t: { items: Message[] }) => t.items.map((m) => m.seq);

describe('timeline', () => {
  it('appends live messages and dedupes repeats', () => {
    let t = mergeMessages(emptyTimeline, [msg(5)]);
    t = mergeMessages(t, [msg(6)]);
    t = mergeMessages(t, [msg(6)]);
    expect(seqs(t)).toEqual([5, 6]);
    expect(t.hasMoreBefore).toBe(true);
  });

  it('an edit or recall replaces the held message; an older copy never undoes it', () => {
    let t = mergeMessages(emptyTimeline, [msg(1), msg(2)]);
    const recalled = msg(2, { body: '', deletedAt: new Date(1_800_000_000_000).toISOString() });
    t = mergeMessages(t, [recalled]);
    expect(messageBySeq(t, 2)?.deletedAt).not.toBeNull();
    t = mergeMessages(t, [msg(2)]);
    expect(messageBySeq(t, 2)?.deletedAt).not.toBeNull();
  });

  it('prepends older pages and knows when the beginning is reached', () => {
    let t = mergeMessages(emptyTimeline, [msg(101), msg(102)]);
    t = prependPage(
      t,
      Array.from({ length: 100 }, (_, i) => msg(i + 1)),
    );
    expect(t.items).toHaveLength(102);
    expect(t.items[0]!.seq).toBe(1);
    expect(t.hasMoreBefore).toBe(false);
  });

  it('keeps only the newest contiguous run when a batch leaves a hole', () => {
    let t = mergeMessages(emptyTimeline, [msg(1), msg(2)]);
    t = mergeMessages(t, [msg(10), msg(11)]);
    expect(seqs(t)).toEqual([10, 11]);
    expect(t.hasMoreBefore).toBe(true);
  });

  it('merges out-of-order batches into seq order', () => {
    const t = mergeMessages(emptyTimeline, [msg(3), msg(1), msg(2)]);
    expect(seqs(t)).toEqual([1, 2, 3]);
  });
});
