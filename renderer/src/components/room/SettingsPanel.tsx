// Room settings: name, description and visibility for owner/admin; the notification level (all / mentions / none,
// synced to the user's other devices) for everyone; leave; delete for the owner.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { MyRoom, NotifyLevel } from '../../../../protocol/types.js';
import { errorText } from '../../lib/errors.js';
import { useController } from '../context.js';
import { RoomFields, roomFieldErrors, type RoomFieldValues } from '../RoomFields.js';

const NOTIFY_LEVELS: NotifyLevel[] = ['all', 'mentions', 'none'];

export function SettingsPanel({ room }: { room: MyRoom }) {
  const { t } = useTranslation();
  const controller = useController();
  const [fields, setFields] = useState<RoomFieldValues>({ name: room.name, description: room.description, visibility: room.visibility });
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [confirm, setConfirm] = useState<'leave' | 'delete' | null>(null);
  const canEdit = room.kind === 'group' && (room.role === 'owner' || room.role === 'admin');
  const errors = roomFieldErrors(t, fields);

  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    setSaved(false);
    try {
      await fn();
      return true;
    } catch (err) {
      setError(errorText(t, err));
      return false;
    }
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (errors.name || errors.description) return;
    const { name, description, visibility } = fields;
    const patch = {
      ...(name !== room.name ? { name } : {}),
      ...(description !== room.description ? { description } : {}),
      ...(visibility !== room.visibility ? { visibility } : {}),
    };
    if (Object.keys(patch).length === 0) return;
    if (await run(() => controller.updateRoom(room.id, patch))) setSaved(true);
  };

  return (
    <>
      {canEdit && (
        <form onSubmit={(e) => void save(e)} className="stack" noValidate>
          <RoomFields idPrefix="rs" value={fields} onChange={setFields} errors={errors} showNameError descriptionRows={3} />
          <button type="submit" className="primary">
            {t('common.save')}
          </button>
          {saved && (
            <p className="ok-text" role="status">
              {t('common.saved')}
            </p>
          )}
        </form>
      )}
      <fieldset className="notify-level">
        <legend>{t('settings.notify')}</legend>
        {NOTIFY_LEVELS.map((level) => (
          <label key={level} className="toggle">
            <input
              type="radio"
              name={`notify-${room.id}`}
              value={level}
              checked={(room.muted ? 'none' : room.notify) === level}
              onChange={() => void run(() => controller.setNotify(room.id, level))}
            />
            {t(`settings.notify_${level}`)}
          </label>
        ))}
      </fieldset>
      <div className="danger-zone">
        {confirm === null && room.kind === 'group' && (
          <button type="button" onClick={() => setConfirm('leave')}>
            {t('settings.leave')}
          </button>
        )}
        {confirm === null && room.role === 'owner' && room.kind === 'group' && (
          <button type="button" className="danger" onClick={() => setConfirm('delete')}>
            {t('settings.delete')}
          </button>
        )}
        {confirm && (
          <div className="confirm" role="alertdialog" aria-label={t(`settings.${confirm}Confirm`)}>
            <p>{t(`settings.${confirm}Confirm`)}</p>
            <button type="button" onClick={() => setConfirm(null)}>
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className="danger"
              onClick={() => void run(() => (confirm === 'leave' ? controller.leave(room.id) : controller.deleteRoom(room.id)))}
            >
              {t(`settings.${confirm}`)}
            </button>
          </div>
        )}
      </div>
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
