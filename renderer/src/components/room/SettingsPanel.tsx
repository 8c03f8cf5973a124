// Room settings: name, description and visibility for owner/admin; mute for everyone; leave; delete for the owner.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { validate } from '../../lib/validation.js';
import type { MyRoom, Visibility } from '../../../../protocol/types.js';
import { errorText } from '../../lib/errors.js';
import { useController } from '../context.js';

export function SettingsPanel({ room }: { room: MyRoom }) {
  const { t } = useTranslation();
  const controller = useController();
  const [name, setName] = useState(room.name);
  const [description, setDescription] = useState(room.description);
  const [visibility, setVisibility] = useState<Visibility>(room.visibility);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [confirm, setConfirm] = useState<'leave' | 'delete' | null>(null);
  const canEdit = room.kind === 'group' && (room.role === 'owner' || room.role === 'admin');
  const nameError = validate(t, 'roomName', name);
  const descError = validate(t, 'description', description);

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
    if (nameError || descError) return;
    const patch = {
      ...(name !== room.name ? { name } : {}),
      ...(description !== room.description ? { description } : {}),
      ...(visibility !== room.visibility ? { visibility } : {}),
    };
    if (Object.keys(patch).length === 0) return;
    if (await run(() => controller.updateRoom(room.id, patch))) setSaved(true);
  };

  return (
    <aside className="side-panel" aria-label={t('settings.title')}>
      <h3>{t('settings.title')}</h3>
      {canEdit && (
        <form onSubmit={(e) => void save(e)} className="stack" noValidate>
          <div className="field">
            <label htmlFor="rs-name">{t('create.name')}</label>
            <input id="rs-name" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={nameError ? true : undefined} />
            {nameError && <div className="field-error">{nameError}</div>}
          </div>
          <div className="field">
            <label htmlFor="rs-desc">{t('create.description')}</label>
            <textarea id="rs-desc" rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />
            {descError && <div className="field-error">{descError}</div>}
          </div>
          <fieldset className="field">
            <legend>{t('create.visibility')}</legend>
            {(['private', 'public'] as const).map((v) => (
              <label key={v} className="radio">
                <input type="radio" name="rs-vis" checked={visibility === v} onChange={() => setVisibility(v)} /> {t(`create.${v}`)}
              </label>
            ))}
          </fieldset>
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
      <label className="toggle">
        <input type="checkbox" checked={room.muted} onChange={(e) => void run(() => controller.setMuted(room.id, e.target.checked))} />
        {t('settings.mute')}
      </label>
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
    </aside>
  );
}
