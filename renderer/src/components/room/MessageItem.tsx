// One message: day separator when the day changes, sender header unless it continues the previous sender's run,
// reply quote, edited/recalled markers, and the actions (reply, edit, recall) for what the user may do.
import { memo, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Message } from '../../../../protocol/types.js';
import { dayLabel, fullStamp, timeOfDay } from '../../lib/format.js';
import { useAppStore } from '../../store/index.js';
import { findMessage, selectEditingId, selectUser } from '../../store/selectors.js';
import type { OutboxEntry } from '../../services/realtime-types.js';
import { Avatar } from '../Avatar.js';
import { useController } from '../context.js';
import { EditBox } from './EditBox.js';

function DaySeparator({ iso }: { iso: string }) {
  const { t, i18n } = useTranslation();
  return (
    <div className="day-sep" role="separator">
      <span>{dayLabel(iso, i18n.language, { today: t('day.today'), yesterday: t('day.yesterday') })}</span>
    </div>
  );
}

function Quote({ roomId, replyToId }: { roomId: number; replyToId: number }) {
  const { t } = useTranslation();
  const original = useAppStore((s) => {
    const tl = s.messages.byRoom[roomId];
    return tl ? findMessage(tl, replyToId) : undefined;
  });
  const sender = useAppStore(selectUser(original?.sender.id, original?.sender));
  return (
    <div className="quote">
      {original ? (
        <>
          <span className="quote-name">{sender?.displayName}</span>
          <span className="quote-body">{original.deletedAt ? t('message.recalled') : original.body}</span>
        </>
      ) : (
        <span className="quote-body">{t('message.earlier')}</span>
      )}
    </div>
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
}: {
  message: Message;
  newDay: boolean;
  grouped: boolean;
  own: boolean;
  roomId: number;
}) {
  const { t, i18n } = useTranslation();
  const controller = useController();
  const editing = useAppStore(selectEditingId) === m.id;
  const setEditing = useAppStore((s) => s.setEditing);
  const setReplyTo = useAppStore((s) => s.setReplyTo);
  const [confirmRecall, setConfirmRecall] = useState(false);
  const sender = useAppStore(selectUser(m.sender.id, m.sender));
  const grouped = !newDay && groupedRun;
  const recalled = m.deletedAt !== null;
  const highlighted = useAppStore((s) => s.ui.highlight?.roomId === roomId && s.ui.highlight.seq === m.seq);

  if (m.kind === 'system') {
    return (
      <>
        {newDay && <DaySeparator iso={m.createdAt} />}
        <div className="msg system" tabIndex={-1}>
          {m.body}
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
        className={`msg${own ? ' own' : ''}${grouped ? ' grouped' : ''}${highlighted ? ' highlighted' : ''}`}
        tabIndex={-1}
        onKeyDown={onKeyDown}
        data-seq={m.seq}
        aria-label={`${sender.displayName}, ${timeOfDay(m.createdAt, i18n.language)}`}
      >
        <div className="msg-gutter">
          {!grouped && !own && <Avatar id={sender.id} name={sender.displayName} url={sender.avatarUrl} size={32} />}
        </div>
        <div className="msg-main">
          {!grouped && !own && <div className="msg-sender">{sender.displayName}</div>}
          <div className={`bubble${recalled ? ' recalled' : ''}`}>
            {m.replyToId !== null && !recalled && <Quote roomId={roomId} replyToId={m.replyToId} />}
            {editing ? (
              <EditBox message={m} onDone={() => setEditing(null)} />
            ) : (
              <span className="msg-body">{recalled ? (own ? t('message.recalledByYou') : t('message.recalled')) : m.body}</span>
            )}
            <span className="msg-meta">
              {m.editedAt && !recalled && <span className="edited">{t('message.edited')}</span>}
              <time dateTime={m.createdAt} title={fullStamp(m.createdAt, i18n.language)}>
                {timeOfDay(m.createdAt, i18n.language)}
              </time>
            </span>
          </div>
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
  const { t } = useTranslation();
  const controller = useController();
  const failed = entry.state === 'failed';
  return (
    <div className={`msg own pending${grouped ? ' grouped' : ''}${failed ? ' failed' : ''}`} tabIndex={-1}>
      <div className="msg-gutter" />
      <div className="msg-main">
        <div className="bubble">
          <span className="msg-body">{entry.body}</span>
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
