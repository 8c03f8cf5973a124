import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { errorText } from '../../lib/errors.js';
import { useController } from '../context.js';
import { Dialog } from './Dialog.js';
import { UserPicker } from './UserPicker.js';

export function DirectDialog() {
  const { t } = useTranslation();
  const controller = useController();
  const [error, setError] = useState<string | null>(null);
  return (
    <Dialog title={t('rooms.newDirect')}>
      <UserPicker
        label={t('people.search')}
        onPick={(u) =>
          void controller.openDirect(u.id).then(
            (roomId) => controller.openFromDialog(roomId),
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
