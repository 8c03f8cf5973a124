// A bottom-anchored virtual list for a chat history, built for the two things a chat does all day and that the
// general-purpose react-virtuoso does slowly here (measured in bench/renderer.ts, see the commit message):
//  - open at the newest message in the first painted frame. Virtuoso's initialTopMostItemIndex hides the list and
//    waits four animation frames before it scrolls (~70 ms of every room switch); here the first commit renders the
//    tail, measures it and sets scrollTop in a layout effect, before the browser paints.
//  - prepend an older page cheaply. Virtuoso's firstItemIndex shift rebuilds its size ranges with a quadratic
//    reduce (40-115 ms per page once a few thousand rows have been measured); here row heights live in a Map by
//    absolute index, their offsets in a Fenwick tree (row-offsets.ts: a measured row costs O(log n), a prepend one
//    O(n) rebuild, well under a millisecond for 20,000 rows), plus an anchor correction.
// Indices are absolute (for messages, the seq), so a prepend never renumbers the rows on screen. The view keeps
// either the bottom (when "stuck" there) or the first visible row (otherwise) where it was across every change:
// new rows, measured heights, prepended pages, edits. Heights come from the DOM after each commit and from a
// ResizeObserver for changes that no commit causes (window width, fonts). Only the rows in the viewport plus an
// overscan are in the DOM.
import {
  forwardRef,
  useCallback,
  useEffect,
  useImperativeHandle,
  useLayoutEffect,
  useReducer,
  useRef,
  useState,
  type ReactNode,
} from 'react';
import { flushSync } from 'react-dom';
import { RowOffsets } from './row-offsets.js';

export interface ChatScrollerHandle {
  scrollToBottom(): void;
  /** Bring a row into view with its top `offset` pixels below the viewport's top (or as far as the list allows). */
  scrollToIndex(index: number, offset?: number, onDone?: () => void): void;
  /** The rows on screen right now, by the same rule as onVisibleRangeChange (measured, not from the observer). */
  visibleRange(): { first: number; last: number } | null;
}

export interface ChatScrollerProps {
  /** Absolute index of the first row (the first loaded seq); rows are firstIndex .. firstIndex + count - 1. */
  firstIndex: number;
  count: number;
  /** React key of a row; stable across prepends (and across a pending send turning into its message). */
  rowKey(index: number): string;
  renderRow(index: number): ReactNode;
  header?: ReactNode;
  /** Called when the first row is near the viewport (load an older page). */
  onStartReached?(): void;
  onAtBottomChange?(atBottom: boolean): void;
  /**
   * The rows the user can actually see (at least half of a row, or half of the viewport for a tall one), reported by
   * an IntersectionObserver: a row that is only rendered in the overscan, or a list in a hidden tab, is not "seen".
   */
  onVisibleRangeChange?(first: number, last: number): void;
  /** When rows are appended and this is true, scroll to the new bottom even if the user had scrolled up. */
  followAppends?: boolean;
  estimatedRowHeight?: number;
  /** Pixels rendered beyond the viewport, above and below. */
  overscan?: { top: number; bottom: number };
  atBottomThreshold?: number;
  className?: string;
  tabIndex?: number;
}

interface Range {
  start: number;
  end: number; // exclusive
}

export const ChatScroller = forwardRef<ChatScrollerHandle, ChatScrollerProps>(function ChatScroller(props, ref) {
  const {
    firstIndex,
    count,
    rowKey,
    renderRow,
    header,
    onStartReached,
    onAtBottomChange,
    onVisibleRangeChange,
    followAppends = false,
    estimatedRowHeight = 44,
    overscan = { top: 400, bottom: 200 },
    atBottomThreshold = 48,
    className,
    tabIndex,
  } = props;
  const scrollerRef = useRef<HTMLDivElement>(null);
  const listRef = useRef<HTMLDivElement>(null);
  // Offsets of the rows relative to the list's top, from measured heights or the estimate. Mutable: measuring rows
  // in the layout effect updates them in place, and needs no render of its own (the rows on screen already have
  // their heights, and the paddings stand for rows not rendered, whose heights did not change).
  const offsetsRef = useRef<RowOffsets | null>(null);
  offsetsRef.current ??= new RowOffsets(new Map());
  const offsets = offsetsRef.current;
  offsets.sync(firstIndex, count, estimatedRowHeight);
  // Bumped when heights change outside a commit of this list (ResizeObserver): renders, and the layout effect
  // puts the view back in place.
  const [heightsVersion, bumpHeights] = useReducer((v: number) => v + 1, 0);
  // Stuck to the bottom: every change keeps the newest row in view. Starts true (a room opens at its newest).
  const stuck = useRef(true);
  const atBottomReported = useRef<boolean | null>(null);
  // The row the view is anchored to when not stuck: its absolute index and its distance from the viewport top.
  const anchor = useRef<{ index: number; offset: number } | null>(null);
  const last = useRef({ firstIndex, end: firstIndex + count });
  const viewportHeight = useRef(0);
  // Bumped by scrollToIndex so the layout effect runs and puts the anchor row where it was asked to be.
  const [seekVersion, seek] = useReducer((v: number) => v + 1, 0);
  const seekDone = useRef<(() => void) | null>(null);
  // A seek asked for and not yet landed: the view is the seek's until then. A scroll event still on its way from an
  // earlier scrollTop (the bottom, while history was joined on) would otherwise re-anchor the view there and undo it.
  const seeking = useRef(false);

  const rangeFor = useCallback(
    (scrollTop: number, height: number, bottom: boolean): Range => {
      const listTop = listRef.current?.offsetTop ?? 0;
      const viewTop = bottom ? offsets.total - height : scrollTop - listTop;
      const lo = offsets.upperBound(viewTop - overscan.top) - 1;
      const hi = offsets.upperBound(viewTop + height + overscan.bottom - 0.5);
      return { start: firstIndex + Math.max(0, Math.min(count - 1, lo)), end: firstIndex + Math.min(count, Math.max(hi, lo + 1)) };
    },
    [offsets, count, firstIndex, overscan.top, overscan.bottom],
  );

  const [range, setRange] = useState<Range>(() => {
    // Before the first layout the viewport is unknown: render enough of the tail to fill a tall window.
    const n = Math.min(count, Math.ceil(1200 / estimatedRowHeight));
    return { start: firstIndex + count - n, end: firstIndex + count };
  });
  // Clamp to the rows that exist (a room can shrink when its messages are dropped).
  const start = Math.max(firstIndex, Math.min(range.start, firstIndex + count));
  const end = Math.max(start, Math.min(range.end, firstIndex + count));

  const recordAnchor = useCallback(() => {
    const scroller = scrollerRef.current;
    const list = listRef.current;
    if (!scroller || !list) return;
    const top = scroller.scrollTop;
    for (const el of list.children) {
      const row = el as HTMLElement;
      if (row.dataset['index'] === undefined) continue;
      if (row.offsetTop + row.offsetHeight > top) {
        anchor.current = { index: Number(row.dataset['index']), offset: row.offsetTop - top };
        return;
      }
    }
    anchor.current = null;
  }, []);

  const reportBottom = useCallback(
    (atBottom: boolean) => {
      if (atBottomReported.current === atBottom) return;
      atBottomReported.current = atBottom;
      onAtBottomChange?.(atBottom);
    },
    [onAtBottomChange],
  );

  /**
   * Read the heights of the rendered rows into the offsets; true when any differs from what the offsets assumed (a
   * new row whose height is the estimate changes nothing).
   */
  const measure = useCallback((): boolean => {
    const list = listRef.current;
    if (!list) return false;
    let changed = false;
    for (const el of list.children) {
      const row = el as HTMLElement;
      const idx = row.dataset['index'];
      if (idx === undefined) continue;
      if (offsets.measured(Number(idx), row.offsetHeight)) changed = true;
    }
    return changed;
  }, [offsets]);

  // After every commit that changes rows or heights, before paint: take the rendered rows' heights into the offsets,
  // then put the view back where it belongs (bottom, or the anchor row at its old distance from the top), asking for
  // other rows when the view now needs them.
  useLayoutEffect(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    const appended = firstIndex + count > last.current.end;
    const prepended = firstIndex < last.current.firstIndex;
    last.current = { firstIndex, end: firstIndex + count };
    if (appended && followAppends) stuck.current = true;
    // The rows just committed have their heights now; the offsets take them in place. The DOM is already right
    // (padding stands for rows not rendered, whose heights this did not change), so no second render is needed.
    measure();
    viewportHeight.current = scroller.clientHeight;
    if (stuck.current) {
      const want = rangeFor(0, viewportHeight.current, true);
      if (want.start !== start || want.end !== end) {
        setRange(want);
        return;
      }
      scroller.scrollTop = scroller.scrollHeight;
    } else if (anchor.current) {
      const el = listRef.current?.querySelector<HTMLElement>(`:scope > [data-index="${anchor.current.index}"]`);
      if (el) {
        const delta = el.offsetTop - scroller.scrollTop - anchor.current.offset;
        if (delta !== 0) scroller.scrollTop += delta;
      }
      // Put there and the list ends within the view (a short room, a jump near the end): follow the bottom again,
      // as a scroll there would have made it (setting scrollTop to where it already is fires no scroll event).
      if (scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= 2) stuck.current = true;
      if (prepended) {
        const want = rangeFor(scroller.scrollTop, viewportHeight.current, false);
        if (want.start !== start || want.end !== end) {
          setRange(want);
          return;
        }
      }
    }
    recordAnchor();
    reportBottom(stuck.current || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= atBottomThreshold);
    // A seek has landed: rows measured, range settled, scrollTop applied.
    seeking.current = false;
    const done = seekDone.current;
    seekDone.current = null;
    done?.();
    // renderRow/rowKey: new row content may have new heights; heightsVersion: heights changed without a commit.
    // Every setState above is conditional on a change, and the heights converge, so this settles within a pass or two.
  }, [
    firstIndex,
    count,
    followAppends,
    measure,
    recordAnchor,
    reportBottom,
    atBottomThreshold,
    rangeFor,
    start,
    end,
    renderRow,
    rowKey,
    seekVersion,
    heightsVersion,
  ]);

  // Scrolling by the user (or by script): unstick unless at the bottom, re-anchor, render the rows now in view.
  useEffect(() => {
    const scroller = scrollerRef.current;
    if (!scroller) return;
    const onScroll = () => {
      if (seeking.current) return;
      const fromBottom = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight;
      stuck.current = fromBottom <= 2;
      reportBottom(fromBottom <= atBottomThreshold);
      recordAnchor();
      const want = rangeFor(scroller.scrollTop, scroller.clientHeight, false);
      if (want.start !== start || want.end !== end) flushSync(() => setRange(want));
    };
    scroller.addEventListener('scroll', onScroll, { passive: true });
    return () => scroller.removeEventListener('scroll', onScroll);
  }, [rangeFor, start, end, recordAnchor, reportBottom, atBottomThreshold]);

  // Heights that change without a commit of this list (an edit box opening, window resized, fonts loaded): one
  // observer for the viewport and every rendered row; a change is measured and the view kept in place.
  const observer = useRef<ResizeObserver | null>(null);
  useEffect(() => {
    const scroller = scrollerRef.current;
    if (!scroller || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      const resized = scroller.clientHeight !== viewportHeight.current;
      if (measure() || resized) flushSync(() => bumpHeights());
    });
    observer.current = ro;
    ro.observe(scroller);
    for (const el of listRef.current?.children ?? []) ro.observe(el);
    return () => {
      ro.disconnect();
      observer.current = null;
    };
  }, [measure]);
  // What is on screen, for read markers: rows at least half visible (or covering half the viewport when taller).
  const visibility = useRef<IntersectionObserver | null>(null);
  const visible = useRef(new Set<number>());
  const onVisible = useRef(onVisibleRangeChange);
  onVisible.current = onVisibleRangeChange;
  useEffect(() => {
    const scroller = scrollerRef.current;
    if (!scroller || typeof IntersectionObserver === 'undefined') return;
    const shown = visible.current;
    const io = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          const index = Number((e.target as HTMLElement).dataset['index']);
          const rootHeight = e.rootBounds?.height ?? scroller.clientHeight;
          if (e.isIntersecting && (e.intersectionRatio >= 0.5 || e.intersectionRect.height >= rootHeight / 2)) shown.add(index);
          else shown.delete(index);
        }
        if (shown.size > 0) onVisible.current?.(Math.min(...shown), Math.max(...shown));
      },
      { root: scroller, threshold: [0, 0.5, 1] },
    );
    visibility.current = io;
    for (const el of listRef.current?.children ?? []) io.observe(el);
    return () => {
      io.disconnect();
      visibility.current = null;
      shown.clear();
    };
  }, []);

  const observeRow = useCallback((el: HTMLDivElement | null) => {
    if (!el) return;
    observer.current?.observe(el);
    visibility.current?.observe(el);
    return () => {
      observer.current?.unobserve(el);
      visibility.current?.unobserve(el);
      visible.current.delete(Number(el.dataset['index']));
    };
  }, []);

  // Near the first loaded row: ask for an older page (the caller ignores repeats while one is loading).
  useEffect(() => {
    if (count > 0 && start - firstIndex < 5) onStartReached?.();
  }, [start, firstIndex, count, onStartReached]);

  useImperativeHandle(
    ref,
    () => ({
      scrollToBottom() {
        const scroller = scrollerRef.current;
        if (!scroller) return;
        stuck.current = true;
        flushSync(() => setRange(rangeFor(0, scroller.clientHeight, true)));
        scroller.scrollTop = scroller.scrollHeight;
      },
      visibleRange() {
        const scroller = scrollerRef.current;
        if (!scroller || !listRef.current) return null;
        const view = scroller.getBoundingClientRect();
        let first = Infinity;
        let last = -Infinity;
        for (const el of listRef.current.children) {
          const row = el as HTMLElement;
          if (row.dataset['index'] === undefined) continue;
          const r = row.getBoundingClientRect();
          const shown = Math.min(r.bottom, view.bottom) - Math.max(r.top, view.top);
          if (shown > 0 && (shown >= r.height / 2 || shown >= view.height / 2)) {
            const i = Number(row.dataset['index']);
            first = Math.min(first, i);
            last = Math.max(last, i);
          }
        }
        return last === -Infinity ? null : { first, last };
      },
      scrollToIndex(index, offset = 0, onDone) {
        const scroller = scrollerRef.current;
        if (!scroller || index < firstIndex || index >= firstIndex + count) return;
        seekDone.current = onDone ?? null;
        seeking.current = true;
        // Not stuck any more: the layout effect keeps the anchor row at `offset`, measuring the rows around it first.
        stuck.current = false;
        anchor.current = { index, offset };
        const listTop = listRef.current?.offsetTop ?? 0;
        setRange(rangeFor(listTop + offsets.before(index - firstIndex) - offset, scroller.clientHeight, false));
        seek();
      },
    }),
    [rangeFor, firstIndex, count, offsets],
  );

  const rows: ReactNode[] = [];
  for (let i = start; i < end; i += 1) {
    rows.push(
      <div key={rowKey(i)} ref={observeRow} data-index={i} className="chat-row">
        {renderRow(i)}
      </div>,
    );
  }
  const padTop = offsets.before(start - firstIndex);
  const padBottom = offsets.total - offsets.before(end - firstIndex);
  return (
    <div ref={scrollerRef} className={`chat-scroller${className ? ` ${className}` : ''}`} tabIndex={tabIndex}>
      <div className="chat-spacer" />
      {header}
      <div ref={listRef} className="chat-rows" style={{ paddingTop: padTop, paddingBottom: padBottom }}>
        {rows}
      </div>
    </div>
  );
});
