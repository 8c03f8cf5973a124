// The virtualised history. The loaded part of a room is a gap-free run of seqs, so a message's row index is its
// seq: prepending an older page lowers firstIndex by exactly the page size and the rows on screen keep their
// indices (ChatScroller keeps the view still). Pending/failed sends from the outbox follow the last message.
import { Icon } from '../Icon.js';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { continuesRun, startsDay } from '../../lib/grouping.js';
import { useAppStore } from '../../store/index.js';
import { selectOutbox, selectSelfId, selectTimeline } from '../../store/selectors.js';
import { useController } from '../context.js';
import { ChatScroller, type ChatScrollerHandle } from './ChatScroller.js';
import { MessageItem, PendingItem } from './MessageItem.js';

export function MessageList({ roomId }: { roomId: number }) {
  const { t } = useTranslation();
  const controller = useController();
  const timeline = useAppStore(selectTimeline(roomId));
  const outboxAll = useAppStore(selectOutbox(roomId));
  const selfId = useAppStore(selectSelfId);
  const ref = useRef<ChatScrollerHandle>(null);
  const [atBottom, setAtBottom] = useState(true);

  const items = timeline.items;
  // An outbox entry whose message has arrived is already in the list; do not show it twice.
  const outbox = useMemo(() => {
    if (outboxAll.length === 0) return outboxAll;
    const tail = new Set(items.slice(-200).map((m) => m.clientId));
    return outboxAll.filter((e) => !tail.has(e.clientId));
  }, [outboxAll, items]);

  const firstSeq = items[0]?.seq ?? 1;
  const total = items.length + outbox.length;

  const renderRow = useCallback(
    (index: number) => {
      const i = index - firstSeq;
      const last = items[items.length - 1];
      if (i < items.length) {
        const m = items[i]!;
        const prev = items[i - 1];
        const newDay = startsDay(prev, m);
        return (
          <MessageItem
            message={m}
            newDay={newDay}
            grouped={!newDay && continuesRun(prev, m.sender.id, m)}
            own={m.sender.id === selfId}
            roomId={roomId}
          />
        );
      }
      const j = i - items.length;
      const e = outbox[j];
      if (!e) return null;
      const prev = j === 0 ? last : undefined;
      return <PendingItem entry={e} grouped={j > 0 || continuesRun(prev, selfId, e)} />;
    },
    [items, outbox, firstSeq, selfId, roomId],
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

  useEffect(() => {
    if (atBottom) controller.markActiveRead();
  }, [atBottom, controller, items.length]);

  // A message opened from search: scroll to it once it is loaded, and focus it (once per opening).
  const highlight = useAppStore((s) => (s.ui.highlight?.roomId === roomId ? s.ui.highlight : null));
  const shown = useRef(0);
  useEffect(() => {
    if (!highlight || shown.current === highlight.token) return;
    if (highlight.seq < firstSeq || highlight.seq >= firstSeq + items.length) return;
    shown.current = highlight.token;
    ref.current?.scrollToIndex(highlight.seq);
    requestAnimationFrame(() => document.querySelector<HTMLElement>(`.msg[data-seq="${highlight.seq}"]`)?.focus({ preventScroll: true }));
  }, [highlight, firstSeq, items.length]);

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
        onAtBottomChange={setAtBottom}
        atBottomThreshold={48}
        estimatedRowHeight={44}
        header={
          <div className="history-top">
            {timeline.hasMoreBefore ? (timeline.loadingBefore ? t('room.loadingOlder') : '') : t('room.beginning')}
          </div>
        }
      />
      {!atBottom && (
        <button type="button" className="jump-latest" onClick={() => ref.current?.scrollToBottom()}>
          {t('room.jumpLatest')} <Icon name="down" size={14} />
        </button>
      )}
    </div>
  );
}
