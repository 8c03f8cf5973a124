// Enter sends, Shift+Enter is a new line, the draft is kept per room, and a send while offline simply waits in
// the outbox (shown as "Sending…") until the connection is back.
import { Icon } from '../Icon.js';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { LIMITS } from '../../../../protocol/schemas.js';
import { useAppStore } from '../../store/index.js';
import { findMessage, selectDraft, selectReplyToId, selectUser } from '../../store/selectors.js';
import { useController } from '../context.js';
import { selectStaged } from '../../store/attachments.js';
import { AttachButton, StagedStrip } from './Attachments.js';

const TYPING_REPEAT_MS = 3000;
const TYPING_IDLE_MS = 4000;

export function Composer({ roomId, roomName }: { roomId: number; roomName: string }) {
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
          onChange={(e) => onChange(e.target.value)}
          onPaste={(e) => {
            // A pasted screenshot (or copied files) attaches; pasted text stays text.
            const files = [...e.clipboardData.files];
            if (files.length === 0) return;
            e.preventDefault();
            controller.files.add(roomId, files);
          }}
          onKeyDown={(e) => {
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
