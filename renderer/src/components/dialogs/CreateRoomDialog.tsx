import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserPublic, Visibility } from '../../../../protocol/types.js';
import { errorText } from '../../lib/errors.js';
import { validate } from '../../lib/validation.js';
import { useAppStore } from '../../store/index.js';
import { useController } from '../context.js';
import { Dialog } from './Dialog.js';
import { UserPicker } from './UserPicker.js';

export function CreateRoomDialog() {
  const { t } = useTranslation();
  const controller = useController();
  const close = useAppStore((s) => s.setDialog);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [visibility, setVisibility] = useState<Visibility>('private');
  const [members, setMembers] = useState<UserPublic[]>([]);
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const nameError = validate(t, 'roomName', name);
  const descError = validate(t, 'description', description);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (nameError || descError || busy) return;
    setBusy(true);
    try {
      await controller.createRoom({ name, description, visibility, memberIds: members.map((m) => m.id) });
      close(null);
    } catch (err) {
      setError(errorText(t, err));
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('create.title')}>
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
        <div className="field">
          <label htmlFor="cr-name">{t('create.name')}</label>
          <input
            id="cr-name"
            autoFocus
            value={name}
            onChange={(e) => setName(e.target.value)}
            aria-invalid={touched && nameError ? true : undefined}
          />
          {touched && nameError && <div className="field-error">{nameError}</div>}
        </div>
        <div className="field">
          <label htmlFor="cr-desc">{t('create.description')}</label>
          <textarea id="cr-desc" rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
          {descError && <div className="field-error">{descError}</div>}
        </div>
        <fieldset className="field">
          <legend>{t('create.visibility')}</legend>
          {(['private', 'public'] as const).map((v) => (
            <label key={v} className="radio">
              <input type="radio" name="cr-vis" value={v} checked={visibility === v} onChange={() => setVisibility(v)} />
              <span>
                {t(`create.${v}`)} <span className="hint">{t(`create.${v}Hint`)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div className="field">
          <span className="label">{t('create.members')}</span>
          {members.length > 0 && (
            <ul className="chips">
              {members.map((m) => (
                <li key={m.id} className="chip">
                  {m.displayName}
                  <button
                    type="button"
                    aria-label={t('members.remove', { name: m.displayName })}
                    onClick={() => setMembers(members.filter((x) => x.id !== m.id))}
                  >
                    ✕
                  </button>
                </li>
              ))}
            </ul>
          )}
          <UserPicker
            label={t('create.addMember')}
            exclude={new Set(members.map((m) => m.id))}
            onPick={(u) => setMembers([...members, u])}
          />
        </div>
        {error && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <div className="dialog-actions">
          <button type="button" onClick={() => close(null)}>
            {t('common.cancel')}
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {t('create.submit')}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
