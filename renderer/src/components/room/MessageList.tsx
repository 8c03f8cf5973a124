// The virtualised history. The loaded part of a room is a gap-free run of seqs, so a message's row index is its
// seq: prepending an older page lowers firstIndex by exactly the page size and the rows on screen keep their
// indices (ChatScroller keeps the view still). Pending/failed sends from the outbox follow the last message.
// A room opened with unread messages lands at the first of them under a "New messages" line; the read marker moves
// only as far as the rows actually shown (ChatScroller's IntersectionObserver); while the user reads older history,
// arrivals wait below a "N new messages" pill instead of moving the view.
import { Icon } from '../Icon.js';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { continuesRun, startsDay } from '../../lib/grouping.js';
import { receiptLines } from '../../lib/receipts.js';
import { useAppStore } from '../../store/index.js';
import { selectOutbox, selectReceipts, selectRoom, selectSelfId, selectTimeline } from '../../store/selectors.js';
import { useController } from '../context.js';
import { ChatScroller, type ChatScrollerHandle } from './ChatScroller.js';
import { JumpContext, type JumpApi } from './jump.js';
import { MessageItem, PendingItem } from './MessageItem.js';
import { SeenBy } from './SeenBy.js';

/** Where the first unread message lands: this far below the top, so the "New messages" line above it shows. */
const LANDING_OFFSET = 40;
/** Pages of 100 fetched on opening to reach the first unread message; past that, "Jump to first unread" fetches on. */
const OPEN_UNREAD_PAGES = 20;
/** A jumped-to message sits this far down the view and stays highlighted this long. */
const JUMP_OFFSET = 80;
const HIGHLIGHT_MS = 2000;

export function MessageList({ roomId }: { roomId: number }) {
  const { t } = useTranslation();
  const controller = useController();
  const timeline = useAppStore(selectTimeline(roomId));
  const outboxAll = useAppStore(selectOutbox(roomId));
  const selfId = useAppStore(selectSelfId);
  const ref = useRef<ChatScrollerHandle>(null);
  const [atBottom, setAtBottom] = useState(true);
  // The read marker as it was when the room was opened: the "New messages" line stays put while the user reads.
  const room = useAppStore(selectRoom(roomId));
  const [readAtOpen] = useState(() => (room && room.unreadCount > 0 ? room.lastReadSeq : null));
  const [visible, setVisible] = useState<{ first: number; last: number } | null>(null);
  // The newest seq when the user left the bottom: later arrivals from others are "new" for the pill.
  const [arrivalBase, setArrivalBase] = useState<number | null>(null);

  const receipts = useAppStore(selectReceipts(roomId));
  const [highlight, setHighlight] = useState<number | null>(null);

  const items = timeline.items;
  // An outbox entry whose message has arrived is already in the list; do not show it twice.
  const outbox = useMemo(() => {
    if (outboxAll.length === 0) return outboxAll;
    const tail = new Set(items.slice(-200).map((m) => m.clientId));
    return outboxAll.filter((e) => !tail.has(e.clientId));
  }, [outboxAll, items]);

  const firstSeq = items[0]?.seq ?? 1;
  const lastSeq = items[items.length - 1]?.seq ?? 0;
  const total = items.length + outbox.length;

  // The first unread message: someone else's, not a system line, after the marker as it was on open.
  const firstUnread = useMemo(() => {
    if (readAtOpen === null) return null;
    const from = Math.max(0, readAtOpen + 1 - firstSeq);
    for (let i = from; i < items.length; i += 1) {
      const m = items[i]!;
      if (m.sender.id !== selfId && m.kind !== 'system') return m.seq;
    }
    return null;
  }, [items, readAtOpen, firstSeq, selfId]);

  // Read receipts under my messages (lib/receipts.ts): in a direct room "Seen" under the newest one the peer has read;
  // in a group "Seen by N" wherever the set of readers changes, names on hover and focus.
  const peerId = room?.kind === 'direct' ? (room.peer?.id ?? null) : null;
  const seen = useMemo(() => {
    const markers = peerId !== null ? { [peerId]: receipts[peerId] ?? 0 } : receipts;
    return receiptLines(items, markers, selfId);
  }, [items, receipts, peerId, selfId]);

  const renderRow = useCallback(
    (index: number) => {
      const i = index - firstSeq;
      const last = items[items.length - 1];
      if (i < items.length) {
        const m = items[i]!;
        const prev = items[i - 1];
        const newDay = startsDay(prev, m);
        const unreadLine = m.seq === firstUnread;
        return (
          <>
            {unreadLine && (
              <div className="unread-line" role="separator" data-testid="unread-line">
                <span>{t('room.newMessages')}</span>
              </div>
            )}
            <MessageItem
              message={m}
              newDay={newDay}
              grouped={!newDay && !unreadLine && continuesRun(prev, m.sender.id, m)}
              own={m.sender.id === selfId}
              roomId={roomId}
              highlighted={m.seq === highlight}
            />
            {seen.has(m.seq) && <SeenBy readers={seen.get(m.seq)!} direct={peerId !== null} />}
          </>
        );
      }
      const j = i - items.length;
      const e = outbox[j];
      if (!e) return null;
      const prev = j === 0 ? last : undefined;
      return <PendingItem entry={e} grouped={j > 0 || continuesRun(prev, selfId, e)} />;
    },
    [items, outbox, firstSeq, selfId, roomId, firstUnread, t, highlight, seen, peerId],
  );

  const rowKey = useCallback(
    (index: number) => {
      const i = index - firstSeq;
      // Own messages keep their clientId as key, so a pending entry turns into its message without a remount.
      if (i < items.length) return items[i]!.clientId ?? `m${items[i]!.id}`;
      return outbox[i - items.length]?.clientId ?? `x${index}`;
    },
    [items, outbox, firstSeq],
  );

  // My own new message always scrolls into view; others' only when I am already at the bottom.
  const lastOwn = outbox.length > 0 || items[items.length - 1]?.sender.id === selfId;
  const loadOlder = useCallback(() => void controller.loadOlder(roomId), [controller, roomId]);

  useEffect(() => () => controller.leftRoom(roomId), [controller, roomId]);

  // Opening with unread: page history back to the first unread message (a few thousand messages at most), then
  // land there. Until then the newest rows are on screen only on the way, and are not "seen".
  const [settled, setSettled] = useState(readAtOpen === null);
  const settledRef = useRef(settled);
  settledRef.current = settled;
  const loadingBack = useRef(false);
  useEffect(() => {
    if (settled || loadingBack.current || !timeline.initialised || readAtOpen === null) return;
    loadingBack.current = true;
    void controller.loadBackTo(roomId, readAtOpen + 1, OPEN_UNREAD_PAGES).finally(() => setSettled(true));
  }, [settled, timeline.initialised, controller, roomId, readAtOpen]);

  // What is on screen is what is read (never past the last message: outbox rows follow it).
  const report = useCallback(
    (first: number, last: number) => {
      setVisible((v) => (v && v.first === first && v.last === last ? v : { first, last }));
      const seq = Math.min(last, lastSeq);
      if (seq > 0 && settledRef.current) controller.markSeen(roomId, seq);
    },
    [controller, roomId, lastSeq],
  );
  /** What is on screen now (after a seek, or when the observer has nothing new to say). */
  const reportNow = useCallback(() => {
    const r = ref.current?.visibleRange();
    if (r) report(r.first, r.last);
  }, [report]);

  // Opened at a message (a search result, a link to one message), marked once controller.openAt has loaded it. If it
  // is there when the room would land at its first unread message, the landing gives way to it; if it comes later,
  // its seek replaces the landing's.
  const searchHit = useAppStore((s) => (s.ui.highlight?.roomId === roomId ? s.ui.highlight : null));
  // The token of the opening whose seek has landed (what is in view then is what the user sees).
  const hitLanded = useRef(0);

  // Land at the first unread message (once per opening of the room); without one to land on, what is in view is seen.
  // Opened at a message, the view goes there instead, and is reported once that seek has landed.
  const landed = useRef(false);
  useEffect(() => {
    if (landed.current || !settled) return;
    landed.current = true;
    if (searchHit) {
      if (hitLanded.current === searchHit.token) reportNow();
    } else if (firstUnread !== null) ref.current?.scrollToIndex(firstUnread, LANDING_OFFSET, reportNow);
    else reportNow();
  }, [settled, firstUnread, reportNow, searchHit]);

  const onAtBottomChange = useCallback(
    (bottom: boolean) => {
      setAtBottom(bottom);
      setArrivalBase(bottom ? null : lastSeq);
    },
    [lastSeq],
  );
  // Others' messages that arrived since the user scrolled up and that they have not scrolled to yet.
  const newBelow = useMemo(() => {
    if (atBottom || arrivalBase === null) return 0;
    const after = Math.max(arrivalBase, visible?.last ?? 0);
    let n = 0;
    for (let i = Math.max(0, after + 1 - firstSeq); i < items.length; i += 1) {
      if (items[i]!.sender.id !== selfId && items[i]!.kind !== 'system') n += 1;
    }
    return n;
  }, [atBottom, arrivalBase, visible, items, firstSeq, selfId]);

  // A reply's original: load history back to it if needed, bring it into view, highlight it for a moment.
  const highlightTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(highlightTimer.current), []);
  const jump = useMemo<JumpApi>(
    () => ({
      jumpTo(seq: number) {
        void controller.loadBackTo(roomId, seq).then((loaded) => {
          if (!loaded) return;
          ref.current?.scrollToIndex(seq, JUMP_OFFSET);
          setHighlight(seq);
          clearTimeout(highlightTimer.current);
          highlightTimer.current = setTimeout(() => setHighlight(null), HIGHLIGHT_MS);
        });
      },
    }),
    [controller, roomId],
  );

  // The "New messages" line is above the view (or not loaded yet): offer to go back to it.
  const unreadAbove =
    readAtOpen !== null && (firstUnread === null ? firstSeq > readAtOpen + 1 : visible !== null && visible.first > firstUnread);
  const jumpToFirstUnread = async () => {
    if (readAtOpen === null) return;
    await controller.loadBackTo(roomId, readAtOpen + 1);
    const tl = controller.store.getState().messages.byRoom[roomId];
    const first = tl?.items.find((m) => m.seq > readAtOpen && m.sender.id !== selfId && m.kind !== 'system');
    if (first) ref.current?.scrollToIndex(first.seq, LANDING_OFFSET);
  };

  // A message opened from search or a link, once it is loaded: bring it into view, highlight it like a reply's
  // original, and focus it, once per opening.
  const shown = useRef(0);
  useEffect(() => {
    if (!searchHit || shown.current === searchHit.token) return;
    if (searchHit.seq < firstSeq || searchHit.seq >= firstSeq + items.length) return;
    shown.current = searchHit.token;
    // Focus once the seek has put the row on screen (the row may not be rendered before).
    const landedHere = () => {
      hitLanded.current = searchHit.token;
      document.querySelector<HTMLElement>(`.msg[data-seq="${searchHit.seq}"]`)?.focus({ preventScroll: true });
      reportNow();
    };
    ref.current?.scrollToIndex(searchHit.seq, JUMP_OFFSET, landedHere);
    setHighlight(searchHit.seq);
    clearTimeout(highlightTimer.current);
    highlightTimer.current = setTimeout(() => setHighlight(null), HIGHLIGHT_MS);
  }, [searchHit, firstSeq, items.length, reportNow]);

  // Up/Down walk through messages with the keyboard; the list keeps the focused one in view.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    const target = e.target as HTMLElement;
    if (!target.classList.contains('msg') && !target.classList.contains('message-scroller')) return;
    const nodes = [...e.currentTarget.querySelectorAll<HTMLElement>('.msg')];
    const i = nodes.indexOf(target);
    const next = i < 0 ? nodes[nodes.length - 1] : nodes[e.key === 'ArrowUp' ? i - 1 : i + 1];
    if (next) {
      e.preventDefault();
      next.focus();
      next.scrollIntoView({ block: 'nearest' });
    }
  };

  if (!timeline.initialised && items.length === 0) {
    return (
      <div className="messages loading" role="status">
        {t('room.loading')}
      </div>
    );
  }
  if (total === 0) {
    return <div className="messages empty">{t('room.empty')}</div>;
  }

  return (
    <JumpContext.Provider value={jump}>
      <div className="messages" onKeyDown={onKeyDown} role="log" aria-label={t('room.history')} aria-live="off">
        <ChatScroller
          ref={ref}
          className="message-scroller"
          tabIndex={0}
          firstIndex={firstSeq}
          count={total}
          rowKey={rowKey}
          renderRow={renderRow}
          onStartReached={timeline.hasMoreBefore ? loadOlder : undefined}
          followAppends={lastOwn}
          onAtBottomChange={onAtBottomChange}
          onVisibleRangeChange={report}
          atBottomThreshold={48}
          estimatedRowHeight={44}
          header={
            <div className="history-top">
              {timeline.hasMoreBefore ? (timeline.loadingBefore ? t('room.loadingOlder') : '') : t('room.beginning')}
            </div>
          }
        />
        {unreadAbove && (
          <button type="button" className="jump-unread" onClick={() => void jumpToFirstUnread()}>
            <Icon name="up" size={14} /> {t('room.jumpFirstUnread')}
          </button>
        )}
        {!atBottom && (
          <button
            type="button"
            className={`jump-latest${newBelow > 0 ? ' has-new' : ''}`}
            onClick={() => ref.current?.scrollToBottom()}
            aria-live="polite"
          >
            {newBelow > 0 ? t('room.newBelow', { count: newBelow }) : t('room.jumpLatest')} <Icon name="down" size={14} />
          </button>
        )}
      </div>
    </JumpContext.Provider>
  );
}
