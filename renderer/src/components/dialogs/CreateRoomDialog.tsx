import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserPublic } from '../../../../protocol/types.js';
import { errorText } from '../../lib/errors.js';
import { useAppStore } from '../../store/index.js';
import { useController } from '../context.js';
import { RoomFields, roomFieldErrors, type RoomFieldValues } from '../RoomFields.js';
import { Dialog } from './Dialog.js';
import { UserPicker } from './UserPicker.js';

export function CreateRoomDialog() {
  const { t } = useTranslation();
  const controller = useController();
  const close = useAppStore((s) => s.setDialog);
  const [fields, setFields] = useState<RoomFieldValues>({ name: '', description: '', visibility: 'private' });
  const [members, setMembers] = useState<UserPublic[]>([]);
  const [touched, setTouched] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const errors = roomFieldErrors(t, fields);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (errors.name || errors.description || busy) return;
    setBusy(true);
    try {
      const room = await controller.createRoom({ ...fields, memberIds: members.map((m) => m.id) });
      controller.openFromDialog(room.id);
    } catch (err) {
      setError(errorText(t, err));
      setBusy(false);
    }
  };

  return (
    <Dialog title={t('create.title')}>
      <form className="stack" onSubmit={(e) => void submit(e)} noValidate>
        <RoomFields idPrefix="cr" value={fields} onChange={setFields} errors={errors} showNameError={touched} autoFocus />
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
