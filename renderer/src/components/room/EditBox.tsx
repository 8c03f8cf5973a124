// Inline editing of one's own message: Enter saves, Escape cancels.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MessageBody } from '../../../../protocol/schemas.js';
import type { Message } from '../../../../protocol/types.js';
import { errorText } from '../../lib/errors.js';
import { validate } from '../../lib/validation.js';
import { useController } from '../context.js';

export function EditBox({ message, onDone }: { message: Message; onDone: () => void }) {
  const { t } = useTranslation();
  const controller = useController();
  const [text, setText] = useState(message.body);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    const parsed = MessageBody.safeParse(text);
    if (!parsed.success) return setError(validate(t, 'messageBody', text) ?? t('errors.unknown'));
    if (parsed.data === message.body) return onDone();
    setBusy(true);
    try {
      await controller.edit(message.id, parsed.data);
      onDone();
    } catch (err) {
      setError(errorText(t, err));
      setBusy(false);
    }
  };

  return (
    <div className="edit-box">
      <textarea
        aria-label={t('message.editLabel')}
        value={text}
        autoFocus
        rows={Math.min(8, text.split('\n').length)}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            void save();
          } else if (e.key === 'Escape') {
            e.preventDefault();
            onDone();
          }
        }}
      />
      {error && <div className="field-error">{error}</div>}
      <div className="edit-actions">
        <button type="button" className="small" onClick={onDone}>
          {t('common.cancel')}
        </button>
        <button type="button" className="small primary" disabled={busy} onClick={() => void save()}>
          {t('common.save')}
        </button>
      </div>
    </div>
  );
}
