// Reactions under a message: one chip per emoji with its count, pressed when it includes mine; clicking a chip
// adds or removes my reaction, hovering names who reacted. The picker (a lazy chunk) adds any other emoji.
import { lazy, memo, Suspense, useCallback, useState } from 'react';
import type { Reaction } from '../../../../protocol/types.js';
import { useSharedTranslation } from '../../i18n/shared.js';
import { errorText } from '../../lib/errors.js';
import { useAppStore } from '../../store/index.js';
import { useController } from '../context.js';
import { Icon } from '../Icon.js';

const EmojiPicker = lazy(() => import('./EmojiPicker.js'));

/** Names of who reacted, for the hover text; at most this many, then "and N more". */
const NAMES_SHOWN = 12;

function Chip({ reaction, selfId, onToggle }: { reaction: Reaction; selfId: number; onToggle(emoji: string, on: boolean): void }) {
  const { t } = useSharedTranslation();
  const mine = reaction.userIds.includes(selfId);
  // A string, so the chip re-renders only when these names change.
  const names = useAppStore((s) =>
    reaction.userIds
      .slice(0, NAMES_SHOWN)
      .map((id) => (id === selfId ? t('reactions.you') : (s.users.byId[id]?.displayName ?? t('system.someone'))))
      .join(', '),
  );
  const more = reaction.userIds.length - NAMES_SHOWN;
  const who = more > 0 ? t('reactions.andMore', { names, count: more }) : names;
  return (
    <button
      type="button"
      className={`reaction${mine ? ' mine' : ''}`}
      aria-pressed={mine}
      title={t('reactions.by', { emoji: reaction.emoji, who })}
      aria-label={t('reactions.by', { emoji: reaction.emoji, who })}
      onClick={() => onToggle(reaction.emoji, !mine)}
    >
      <span className="reaction-emoji">{reaction.emoji}</span>
      <span className="reaction-count">{reaction.userIds.length}</span>
    </button>
  );
}

export function useReact(roomId: number, messageId: number) {
  const { t } = useSharedTranslation();
  const controller = useController();
  const [error, setError] = useState<string | null>(null);
  const toggle = useCallback(
    (emoji: string, on: boolean) => {
      setError(null);
      controller.react(roomId, messageId, emoji, on).catch((err: unknown) => setError(errorText(t, err)));
    },
    [controller, roomId, messageId, t],
  );
  return { toggle, error };
}

export const ReactionBar = memo(function ReactionBar({
  roomId,
  messageId,
  reactions,
  selfId,
}: {
  roomId: number;
  messageId: number;
  reactions: Reaction[];
  selfId: number;
}) {
  const { toggle, error } = useReact(roomId, messageId);
  if (reactions.length === 0 && !error) return null;
  return (
    <div className="reactions">
      {reactions.map((r) => (
        <Chip key={r.emoji} reaction={r} selfId={selfId} onToggle={toggle} />
      ))}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </div>
  );
});

/** The "add reaction" button of a message's toolbar, with the picker it opens. */
export function AddReactionButton({ roomId, messageId, mine }: { roomId: number; messageId: number; mine: ReadonlySet<string> }) {
  const { t } = useSharedTranslation();
  const { toggle } = useReact(roomId, messageId);
  const [anchor, setAnchor] = useState<DOMRect | null>(null);
  const close = useCallback(() => setAnchor(null), []);
  return (
    <>
      <button
        type="button"
        className="small icon"
        aria-label={t('reactions.add')}
        title={t('reactions.add')}
        aria-haspopup="dialog"
        aria-expanded={anchor !== null}
        onClick={(e) => setAnchor(anchor ? null : e.currentTarget.getBoundingClientRect())}
      >
        <Icon name="smile" size={15} />
      </button>
      {anchor && (
        <Suspense fallback={null}>
          <EmojiPicker
            anchor={anchor}
            onClose={close}
            onPick={(emoji) => {
              close();
              toggle(emoji, !mine.has(emoji));
            }}
          />
        </Suspense>
      )}
    </>
  );
}
