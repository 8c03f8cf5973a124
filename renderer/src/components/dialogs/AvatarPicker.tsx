// Profile picture: choose an image, see it cropped to the centre square the server will keep, then use it; or
// remove the picture (initials are shown). The server makes the final square; the preview crops the same way.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { UserSelf } from '../../../../protocol/types.js';
import { uploadFile, UploadError } from '../../lib/file-transfer.js';
import { useAppStore } from '../../store/index.js';
import { selectSelf } from '../../store/selectors.js';
import { Avatar } from '../Avatar.js';
import { useController } from '../context.js';

export function AvatarPicker() {
  const { t } = useTranslation();
  const controller = useController();
  const me = useAppStore(selectSelf);
  const setUser = useAppStore((s) => s.setUser);
  const userUpdated = useAppStore((s) => s.userUpdated);
  const [chosen, setChosen] = useState<{ file: File; url: string } | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(
    () => () => {
      if (chosen) URL.revokeObjectURL(chosen.url);
    },
    [chosen],
  );
  if (!me) return null;

  const done = (user: UserSelf) => {
    setUser(user);
    userUpdated(user);
    setChosen(null);
  };
  const use = async () => {
    if (!chosen || !controller.rt) return;
    setError(null);
    setBusy(0);
    try {
      const handle = uploadFile<UserSelf>(controller.rt.api, chosen.file, setBusy, { method: 'PUT', path: '/users/me/avatar', ok: 200 });
      done(await handle.done);
    } catch (err) {
      const code = err instanceof UploadError ? err.code : 'NETWORK';
      setError(
        code === 'PAYLOAD_TOO_LARGE' ? t('files.tooLarge') : code === 'UNSUPPORTED_MEDIA_TYPE' ? t('files.refused') : t('files.failed'),
      );
    } finally {
      setBusy(null);
    }
  };
  const remove = async () => {
    setError(null);
    try {
      done(await controller.api.removeAvatar());
    } catch {
      setError(t('files.failed'));
    }
  };

  return (
    <div className="field avatar-picker">
      <span className="label">{t('me.picture')}</span>
      <div className="avatar-row">
        {chosen ? (
          <img className="avatar-preview" src={chosen.url} alt={t('me.picturePreview')} width={64} height={64} />
        ) : (
          <Avatar id={me.id} name={me.displayName} url={me.avatarUrl} size={64} />
        )}
        <button type="button" className="small" onClick={() => input.current?.click()}>
          {t('me.choosePicture')}
        </button>
        <input
          ref={input}
          type="file"
          accept="image/jpeg,image/png,image/gif,image/webp"
          hidden
          data-testid="avatar-input"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) setChosen({ file, url: URL.createObjectURL(file) });
          }}
        />
        {chosen && (
          <button type="button" className="primary small" disabled={busy !== null} onClick={() => void use()}>
            {busy !== null ? `${Math.round(busy * 100)}%` : t('me.usePicture')}
          </button>
        )}
        {!chosen && me.avatarUrl && (
          <button type="button" className="small" onClick={() => void remove()}>
            {t('me.removePicture')}
          </button>
        )}
      </div>
      {error && (
        <div className="field-error" role="alert">
          {error}
        </div>
      )}
    </div>
  );
}
