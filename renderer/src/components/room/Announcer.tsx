// Screen-reader announcements for the open room: each new message from someone else is spoken once, politely
// (after what the reader is saying), through a visually hidden live region. The history list itself stays
// aria-live="off": otherwise paging in older messages or a reconnect's catch-up would read out whole pages.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/index.js';
import { selectProfiles, selectSelfId, selectTimeline } from '../../store/selectors.js';

export function Announcer({ roomId }: { roomId: number }) {
  const { t } = useTranslation();
  const items = useAppStore(selectTimeline(roomId)).items;
  const selfId = useAppStore(selectSelfId);
  const profiles = useAppStore(selectProfiles);
  const [text, setText] = useState('');
  // The newest seq already accounted for; null until the first page is in, so opening a room announces nothing.
  const seen = useRef<number | null>(null);

  const last = items.at(-1);
  useEffect(() => {
    if (!last) return;
    if (seen.current === null || last.seq <= seen.current) {
      seen.current = Math.max(seen.current ?? 0, last.seq);
      return;
    }
    const fresh = items.filter((m) => m.seq > (seen.current ?? 0) && m.sender.id !== selfId && m.kind !== 'system' && !m.deletedAt);
    seen.current = last.seq;
    if (fresh.length === 0) return;
    const m = fresh.at(-1)!;
    const name = profiles[m.sender.id]?.displayName ?? m.sender.displayName;
    setText(
      fresh.length === 1 ? t('room.announce', { name, body: m.body }) : t('room.announceMany', { count: fresh.length, name, body: m.body }),
    );
  }, [last, items, selfId, profiles, t]);

  return (
    <div className="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="announcer">
      {text}
    </div>
  );
}
