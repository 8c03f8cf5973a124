// Enter sends, Shift+Enter is a new line, the draft is kept per room, and a send while offline simply waits in
// the outbox (shown as "Sending…") until the connection is back. Typing `@` opens the member autocomplete
// (arrows + Enter/Tab, or the mouse; Escape closes it).
import { Icon } from '../Icon.js';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS } from '../../../../protocol/schemas.js';
import { useAppStore } from '../../store/index.js';
import type { Member, MyRoom } from '../../../../protocol/types.js';
import { findMessage, selectDraft, selectReplyToId, selectSelfId, selectUser } from '../../store/selectors.js';
import { Avatar } from '../Avatar.js';
import { useController } from '../context.js';
import { selectStaged } from '../../store/attachments.js';
import { AttachButton, StagedStrip } from './Attachments.js';
import { applyMention, mentionQuery, suggestMentions, type Suggestion } from './mentions.js';

const TYPING_REPEAT_MS = 3000;
const TYPING_IDLE_MS = 4000;

export function Composer({ room, roomName, members }: { room: MyRoom; roomName: string; members: readonly Member[] }) {
  const roomId = room.id;
  const { t } = useTranslation();
  const controller = useController();
  const draft = useAppStore(selectDraft(roomId));
  const replyToId = useAppStore(selectReplyToId(roomId));
  const replyTo = useAppStore((s) => {
    const tl = s.messages.byRoom[roomId];
    return replyToId !== null && tl ? findMessage(tl, replyToId) : undefined;
  });
  const replyToSender = useAppStore(selectUser(replyTo?.sender.id, replyTo?.sender));
  const setDraft = useAppStore((s) => s.setDraft);
  const setReplyTo = useAppStore((s) => s.setReplyTo);
  const staged = useAppStore(selectStaged(roomId));
  const uploading = staged.some((f) => f.state === 'uploading');
  const ready = staged.some((f) => f.state === 'done');
  const ref = useRef<HTMLTextAreaElement>(null);
  const selfId = useAppStore(selectSelfId);
  const online = useAppStore((s) => s.presence.online);
  // The @word at the caret (null: no popup), the highlighted suggestion, and a word the user dismissed with Escape.
  const [mention, setMention] = useState<{ start: number; query: string; caret: number } | null>(null);
  const [active, setActive] = useState(0);
  const suggestions = useMemo(
    () =>
      mention
        ? suggestMentions(mention.query, members, {
            selfId,
            role: room.role,
            group: room.kind === 'group',
            online: (id, fallback) => online[id] ?? fallback,
          })
        : [],
    [mention, members, selfId, room.role, room.kind, online],
  );
  const open = mention !== null && suggestions.length > 0;
  const trackMention = (el: HTMLTextAreaElement) => {
    const found = el.selectionStart === el.selectionEnd ? mentionQuery(el.value, el.selectionStart) : null;
    if (!found) {
      if (mention) setMention(null);
      return;
    }
    if (mention && mention.start === found.start && mention.query === found.query) return;
    setActive(0);
    setMention({ ...found, caret: el.selectionStart });
  };
  const pendingCaret = useRef<number | null>(null);
  const pickMention = (pick: Suggestion) => {
    if (!mention) return;
    const next = applyMention(draft, mention.start, mention.caret, pick);
    pendingCaret.current = next.caret;
    setDraft(roomId, next.text);
    setMention(null);
  };
  // The caret after a pick goes where the mention ends, in the same commit that writes the new text: a caret set
  // later (a frame afterwards) would land in the middle of whatever the user typed since.
  useLayoutEffect(() => {
    const caret = pendingCaret.current;
    if (caret === null || !ref.current) return;
    pendingCaret.current = null;
    ref.current.focus();
    ref.current.setSelectionRange(caret, caret);
  }, [draft]);
  const typing = useRef({ sentAt: 0, idle: undefined as ReturnType<typeof setTimeout> | undefined });

  const stopTyping = () => {
    clearTimeout(typing.current.idle);
    if (typing.current.sentAt) controller.rt?.typing(roomId, false);
    typing.current.sentAt = 0;
  };
  useEffect(() => stopTyping, [roomId]); // eslint-disable-line react-hooks/exhaustive-deps

  // Grow with the text up to a limit, then scroll.
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 200)}px`;
  }, [draft]);

  useEffect(() => {
    // Opened at a message (a search result, a link to a message): that message takes the focus, not the composer.
    if (useAppStore.getState().ui.highlight?.roomId === roomId) return;
    ref.current?.focus();
  }, [roomId]);

  const tooLong = [...draft].length > LIMITS.messageBodyMax;

  const canSend = !tooLong && !uploading && (ready || draft.trim() !== '');

  const send = () => {
    const body = draft.trim();
    if (!canSend) return;
    // With files, the text is the first file's caption; otherwise a text message.
    if (!controller.files.sendStaged(roomId, body, replyToId)) controller.send(roomId, body, replyToId);
    setDraft(roomId, '');
    setReplyTo(roomId, null);
    stopTyping();
  };

  const onChange = (value: string) => {
    setDraft(roomId, value);
    const now = Date.now();
    if (value.trim() && now - typing.current.sentAt > TYPING_REPEAT_MS) {
      controller.rt?.typing(roomId, true);
      typing.current.sentAt = now;
    }
    clearTimeout(typing.current.idle);
    typing.current.idle = setTimeout(stopTyping, TYPING_IDLE_MS);
  };

  // An archived room is read-only for everyone (the server refuses sends with ROOM_ARCHIVED): say so instead.
  if (room.archived) {
    return (
      <div className="composer composer-archived" role="status">
        <Icon name="lock" size={14} />
        <span>{t('composer.archived')}</span>
      </div>
    );
  }

  return (
    <div className="composer">
      {replyToId !== null && (
        <div className="reply-bar">
          <div className="quote">
            <span className="quote-name">{t('composer.replyingTo', { name: replyToSender?.displayName ?? '' })}</span>
            <span className="quote-body">{replyTo ? replyTo.body : t('message.earlier')}</span>
          </div>
          <button type="button" className="icon small" aria-label={t('composer.cancelReply')} onClick={() => setReplyTo(roomId, null)}>
            <Icon name="x" size={14} />
          </button>
        </div>
      )}
      <StagedStrip roomId={roomId} />
      {open && (
        <ul className="mention-popup" role="listbox" id={`mentions-${roomId}`} aria-label={t('mentions.label')}>
          {suggestions.map((sug, i) => (
            <li
              key={sug.kind === 'room' ? 'room' : sug.userId}
              id={`mention-${roomId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : undefined}
              // mousedown, not click: the textarea keeps its focus and caret.
              onMouseDown={(e) => {
                e.preventDefault();
                pickMention(sug);
              }}
              onMouseEnter={() => setActive(i)}
            >
              {sug.kind === 'room' ? (
                <>
                  <span className="mention-at">@room</span>
                  <span className="member-sub">{t('mentions.room')}</span>
                </>
              ) : (
                <>
                  <Avatar id={sug.userId} name={sug.displayName} url={null} size={22} online={sug.online} />
                  <span className="mention-name">{sug.displayName}</span>
                  <span className="member-sub">@{sug.username}</span>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      <div className="composer-row">
        <AttachButton roomId={roomId} />
        <textarea
          id={`composer-${roomId}`}
          ref={ref}
          rows={1}
          value={draft}
          placeholder={t('composer.placeholder', { room: roomName })}
          aria-label={t('composer.label')}
          aria-invalid={tooLong || undefined}
          // A textbox that owns a suggestion list (kept a textbox: it is the message field first).
          aria-autocomplete="list"
          aria-controls={open ? `mentions-${roomId}` : undefined}
          aria-activedescendant={open ? `mention-${roomId}-${active}` : undefined}
          onChange={(e) => {
            onChange(e.target.value);
            trackMention(e.target);
          }}
          onSelect={(e) => trackMention(e.currentTarget)}
          onBlur={() => setMention(null)}
          onPaste={(e) => {
            // A pasted screenshot (or copied files) attaches; pasted text stays text.
            const files = [...e.clipboardData.files];
            if (files.length === 0) return;
            e.preventDefault();
            controller.files.add(roomId, files);
          }}
          onKeyDown={(e) => {
            if (open && !e.nativeEvent.isComposing) {
              if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
                e.preventDefault();
                const n = suggestions.length;
                setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
                return;
              }
              if (e.key === 'Enter' || e.key === 'Tab') {
                e.preventDefault();
                pickMention(suggestions[active] ?? suggestions[0]!);
                return;
              }
              if (e.key === 'Escape') {
                e.preventDefault();
                setMention(null);
                return;
              }
            }
            // isComposing: Enter that confirms an IME candidate (Chinese, Japanese input) must not send.
            if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
              e.preventDefault();
              send();
            } else if (e.key === 'Escape' && replyToId !== null) {
              setReplyTo(roomId, null);
            }
          }}
        />
        <button type="button" className="send primary" onClick={send} disabled={!canSend} aria-label={t('composer.send')}>
          <Icon name="send" size={17} />
        </button>
      </div>
      {tooLong && <div className="field-error">{t('composer.tooLong', { max: LIMITS.messageBodyMax })}</div>}
    </div>
  );
}
