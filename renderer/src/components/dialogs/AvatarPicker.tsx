// Profile picture: choose an image, drag and zoom a square over it (react-easy-crop), then use it: the square is cut
// out here on a canvas and uploaded (the server makes the final 256x256 thumbnail of it). Or remove the picture
// (initials are shown).
import { useEffect, useRef, useState } from 'react';
import Cropper, { type Area, type Point } from 'react-easy-crop';
import 'react-easy-crop/react-easy-crop.css';
import { useTranslation } from 'react-i18next';
import type { UserSelf } from '../../../../protocol/types.js';
import { uploadFile, UploadError } from '../../lib/file-transfer.js';
import { useAppStore } from '../../store/index.js';
import { selectSelf } from '../../store/selectors.js';
import { Avatar } from '../Avatar.js';
import { useController } from '../context.js';

/** The side of the square that is uploaded: enough for any avatar size on a high-density screen. */
const SIDE = 512;
const MAX_ZOOM = 4;

/** Cuts `area` (in the image's own pixels, EXIF orientation applied as shown) out of `file` into a square PNG. */
async function cropSquare(file: File, area: Area): Promise<File> {
  const bitmap = await createImageBitmap(file);
  const side = Math.max(1, Math.min(SIDE, Math.round(area.width)));
  const canvas = document.createElement('canvas');
  canvas.width = side;
  canvas.height = side;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new UploadError('UNSUPPORTED_MEDIA_TYPE', 'no 2d canvas');
  ctx.drawImage(bitmap, area.x, area.y, area.width, area.height, 0, 0, side, side);
  bitmap.close();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new UploadError('UNSUPPORTED_MEDIA_TYPE', 'the picture could not be encoded');
  return new File([blob], 'avatar.png', { type: 'image/png' });
}

export function AvatarPicker() {
  const { t } = useTranslation();
  const controller = useController();
  const me = useAppStore(selectSelf);
  const setUser = useAppStore((s) => s.setUser);
  const userUpdated = useAppStore((s) => s.userUpdated);
  const [chosen, setChosen] = useState<{ file: File; url: string } | null>(null);
  const [crop, setCrop] = useState<Point>({ x: 0, y: 0 });
  const [zoom, setZoom] = useState(1);
  const [area, setArea] = useState<Area | null>(null);
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

  const choose = (file: File) => {
    setError(null);
    setCrop({ x: 0, y: 0 });
    setZoom(1);
    setArea(null);
    setChosen({ file, url: URL.createObjectURL(file) });
  };
  const done = (user: UserSelf) => {
    setUser(user);
    userUpdated(user);
    setChosen(null);
  };
  const use = async () => {
    if (!chosen || !area || !controller.rt) return;
    setError(null);
    setBusy(0);
    try {
      const square = await cropSquare(chosen.file, area);
      const handle = uploadFile<UserSelf>(controller.rt.api, square, setBusy, { method: 'PUT', path: '/users/me/avatar', ok: 200 });
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
      {chosen && (
        <div className="avatar-crop">
          <div className="avatar-crop-stage" data-testid="avatar-crop">
            <Cropper
              image={chosen.url}
              crop={crop}
              zoom={zoom}
              maxZoom={MAX_ZOOM}
              aspect={1}
              cropShape="round"
              showGrid={false}
              disableAutomaticStylesInjection
              onCropChange={setCrop}
              onZoomChange={setZoom}
              onCropComplete={(_percent, pixels) => setArea(pixels)}
              // The picture itself is not announced; the crop area is what a keyboard user moves (arrow keys).
              mediaProps={{ alt: '' }}
              cropperProps={{ role: 'img', 'aria-label': t('me.picturePreview') }}
            />
          </div>
          <label className="avatar-zoom">
            {t('me.zoom')}
            <input type="range" min={1} max={MAX_ZOOM} step={0.05} value={zoom} onChange={(e) => setZoom(Number(e.target.value))} />
          </label>
          <p className="hint">{t('me.cropHint')}</p>
        </div>
      )}
      <div className="avatar-row">
        {!chosen && <Avatar id={me.id} name={me.displayName} url={me.avatarUrl} size={64} />}
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
            if (file) choose(file);
          }}
        />
        {chosen && (
          <>
            <button type="button" className="primary small" disabled={busy !== null || !area} onClick={() => void use()}>
              {busy !== null ? `${Math.round(busy * 100)}%` : t('me.usePicture')}
            </button>
            <button type="button" className="small" disabled={busy !== null} onClick={() => setChosen(null)}>
              {t('common.cancel')}
            </button>
          </>
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
