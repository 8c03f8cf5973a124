import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../lib/errors.js';
import { useAppStore } from '../../store/index.js';
import { useController } from '../context.js';
import { Dialog } from './Dialog.js';
import { UserPicker } from './UserPicker.js';

export function DirectDialog() {
  const { t } = useTranslation();
  const controller = useController();
  const close = useAppStore((s) => s.setDialog);
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog title={t('rooms.newDirect')}>
      <UserPicker
        label={t('people.search')}
        onPick={(u) =>
          void controller.openDirect(u.id).then(
            (roomId) => {
              // Closed first, in the same render as the room opens, so the room's composer can take the focus.
              close(null);
              void controller.openRoom(roomId);
            },
            (err: unknown) => setError(errorText(t, err)),
          )
        }
      />
      {error && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
