// One message: day separator when the day changes, sender header unless it continues the previous sender's run,
// reply quote (click: go to the original), rich text with mentions, edited/recalled markers, reactions, and the
// actions (react, reply, edit, recall) for what the user may do. System messages are one line in the reader's language.
import { memo, useMemo, useState, type KeyboardEvent } from 'react';
import type { Message } from '../../../../protocol/types.js';
import { useSharedTranslation } from '../../i18n/shared.js';
import { isEmojiOnly } from '../../lib/emoji.js';
import { dayLabel, fullStamp, timeOfDay } from '../../lib/format.js';
import { useAppStore } from '../../store/index.js';
import { findMessage, selectEditingId, selectSelf, selectUser, shownName } from '../../store/selectors.js';
import type { OutboxEntry } from '../../services/realtime-types.js';
import { Avatar } from '../Avatar.js';
import { useController } from '../context.js';
import { AttachmentBlock, FileCard } from './AttachmentView.js';
import { EditBox } from './EditBox.js';
import { useJump } from './jump.js';
import { AddReactionButton, ReactionBar } from './Reactions.js';
import { RichText, type MentionContext } from './RichText.js';
import { SystemLine } from './SystemLine.js';

function DaySeparator({ iso }: { iso: string }) {
  const { t, i18n } = useSharedTranslation();
  return (
    <div className="day-sep" role="separator">
      <span>{dayLabel(iso, i18n.language, { today: t('day.today'), yesterday: t('day.yesterday') })}</span>
    </div>
  );
}

/** The quote of a reply: from `replyTo` (so it shows even when the original is not loaded), live when it is. */
function Quote({ roomId, message: m }: { roomId: number; message: Message }) {
  const { t } = useSharedTranslation();
  const { jumpTo } = useJump();
  const replyTo = m.replyTo;
  const original = useAppStore((s) => {
    const tl = s.messages.byRoom[roomId];
    return tl && m.replyToId !== null ? findMessage(tl, m.replyToId) : undefined;
  });
  const senderId = original?.sender.id ?? replyTo?.senderId ?? undefined;
  const sender = useAppStore(selectUser(senderId ?? undefined, original?.sender));
  const recalled = original ? original.deletedAt !== null : replyTo !== null && replyTo.preview === '' && replyTo.kind === 'text';
  const body = original ? original.body : (replyTo?.preview ?? '');
  const seq = original?.seq ?? replyTo?.seq;
  const name = sender ? shownName(sender, t('users.deleted')) : replyTo ? t('system.someone') : '';
  const content = (
    <>
      {name && <span className="quote-name">{name}</span>}
      <span className="quote-body">{recalled ? t('message.recalled') : body || t('message.earlier')}</span>
    </>
  );
  if (seq === undefined) return <div className="quote">{content}</div>;
  return (
    <button type="button" className="quote quote-link" title={t('message.showOriginal')} onClick={() => jumpTo(seq)}>
      {content}
    </button>
  );
}

/**
 * newDay / grouped are worked out by the list from the row before (lib/grouping.ts) and passed as booleans, so a
 * row re-renders only when its own message or look changes, not when a neighbour is edited or a page is prepended.
 */
export const MessageItem = memo(function MessageItem({
  message: m,
  newDay,
  grouped: groupedRun,
  own,
  roomId,
  highlighted = false,
}: {
  message: Message;
  newDay: boolean;
  grouped: boolean;
  own: boolean;
  roomId: number;
  /** Just jumped to (a reply's original): drawn highlighted for a moment. */
  highlighted?: boolean;
}) {
  const { t, i18n } = useSharedTranslation();
  const controller = useController();
  const editing = useAppStore(selectEditingId) === m.id;
  const setEditing = useAppStore((s) => s.setEditing);
  const setReplyTo = useAppStore((s) => s.setReplyTo);
  const [confirmRecall, setConfirmRecall] = useState(false);
  const sender = useAppStore(selectUser(m.sender.id, m.sender));
  const senderName = shownName(sender, t('users.deleted'));
  const grouped = !newDay && groupedRun;
  const recalled = m.deletedAt !== null;
  const self = useAppStore(selectSelf);
  const selfId = self?.id ?? 0;
  // Usernames this message mentions, as one string so the row re-renders only when they change.
  const mentionKey = useAppStore((s) =>
    m.mentions.length === 0 ? '' : m.mentions.map((id) => (id === selfId ? self?.username : s.users.byId[id]?.username) ?? '').join(' '),
  );
  const mentions = useMemo<MentionContext | undefined>(() => {
    if (mentionKey === '') return undefined;
    const names = new Set(mentionKey.toLowerCase().split(' ').filter(Boolean));
    names.add('room'); // @room expands to every member: when the server says this mentions anyone, @room is real
    return { names, self: (self?.username ?? '').toLowerCase() };
  }, [mentionKey, self?.username]);
  const mentionsMe = !own && m.mentions.includes(selfId);
  const myReactions = useMemo(
    () => new Set(m.reactions.filter((r) => r.userIds.includes(selfId)).map((r) => r.emoji)),
    [m.reactions, selfId],
  );

  if (m.kind === 'system') {
    return (
      <>
        {newDay && <DaySeparator iso={m.createdAt} />}
        <div className="msg system" tabIndex={-1} data-seq={m.seq}>
          <SystemLine message={m} />
        </div>
      </>
    );
  }

  const reply = () => {
    setReplyTo(roomId, m.id);
    document.getElementById(`composer-${roomId}`)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget || recalled) return;
    if (e.key === 'r') {
      e.preventDefault();
      reply();
    } else if (e.key === 'e' && own) {
      e.preventDefault();
      setEditing(m.id);
    }
  };

  return (
    <>
      {newDay && <DaySeparator iso={m.createdAt} />}
      <div
        className={`msg${own ? ' own' : ''}${grouped ? ' grouped' : ''}${mentionsMe ? ' mentions-me' : ''}${highlighted ? ' highlighted' : ''}`}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        data-seq={m.seq}
        aria-label={`${senderName}, ${timeOfDay(m.createdAt, i18n.language)}`}
      >
        <div className="msg-gutter">{!grouped && !own && <Avatar id={sender.id} name={senderName} url={sender.avatarUrl} size={32} />}</div>
        <div className="msg-main">
          {!grouped && !own && <div className="msg-sender">{senderName}</div>}
          <div className={`bubble${recalled ? ' recalled' : ''}`}>
            {m.replyToId !== null && !recalled && <Quote roomId={roomId} message={m} />}
            <AttachmentBlock message={m} roomId={roomId} />
            {editing ? (
              <EditBox message={m} onDone={() => setEditing(null)} />
            ) : (
              (recalled || m.body !== '') && (
                <div className={`msg-body${!recalled && isEmojiOnly(m.body) ? ' emoji-only' : ''}`}>
                  {recalled ? own ? t('message.recalledByYou') : t('message.recalled') : <RichText body={m.body} mentions={mentions} />}
                </div>
              )
            )}
            <span className="msg-meta">
              {m.editedAt && !recalled && <span className="edited">{t('message.edited')}</span>}
              <time dateTime={m.createdAt} title={fullStamp(m.createdAt, i18n.language)}>
                {timeOfDay(m.createdAt, i18n.language)}
              </time>
            </span>
          </div>
          {!recalled && <ReactionBar roomId={roomId} messageId={m.id} reactions={m.reactions} selfId={selfId} />}
        </div>
        {!recalled && !editing && (
          <div className="msg-actions" role="toolbar" aria-label={t('message.actions')}>
            {confirmRecall ? (
              <>
                <span className="confirm-text">{t('message.recallConfirm')}</span>
                <button
                  type="button"
                  className="danger small"
                  onClick={() => void controller.recall(m.id).finally(() => setConfirmRecall(false))}
                >
                  {t('message.recall')}
                </button>
                <button type="button" className="small" onClick={() => setConfirmRecall(false)}>
                  {t('common.cancel')}
                </button>
              </>
            ) : (
              <>
                <AddReactionButton roomId={roomId} messageId={m.id} mine={myReactions} />
                <button type="button" className="small" onClick={reply}>
                  {t('message.reply')}
                </button>
                {own && (
                  <>
                    <button type="button" className="small" onClick={() => setEditing(m.id)}>
                      {t('message.edit')}
                    </button>
                    <button type="button" className="small" onClick={() => setConfirmRecall(true)}>
                      {t('message.recall')}
                    </button>
                  </>
                )}
              </>
            )}
          </div>
        )}
      </div>
    </>
  );
});

export const PendingItem = memo(function PendingItem({ entry, grouped }: { entry: OutboxEntry; grouped: boolean }) {
  const { t } = useSharedTranslation();
  const controller = useController();
  const failed = entry.state === 'failed';
  return (
    <div className={`msg own pending${grouped ? ' grouped' : ''}${failed ? ' failed' : ''}`} tabIndex={-1}>
      <div className="msg-gutter" />
      <div className="msg-main">
        <div className="bubble">
          {entry.attachment && <FileCard attachment={entry.attachment} />}
          {entry.body !== '' && <span className="msg-body">{entry.body}</span>}
          <span className="msg-meta">{failed ? t('message.failed') : t('message.sending')}</span>
        </div>
        {failed && (
          <div className="failed-bar" role="alert">
            <span>{entry.error?.message ?? t('message.failed')}</span>
            <button type="button" className="small" onClick={() => controller.rt?.retry(entry.clientId)}>
              {t('message.retry')}
            </button>
            <button type="button" className="small" onClick={() => controller.rt?.discard(entry.clientId)}>
              {t('message.discard')}
            </button>
          </div>
        )}
      </div>
    </div>
  );
});
