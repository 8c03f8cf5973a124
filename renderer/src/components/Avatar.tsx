// Initials on a colour derived from the id, or the user's picture; an optional presence dot. A picture stored on
// our server (/api/files/<id>) is fetched with the bearer token into a cached blob: URL; one that fails to load
// falls back to the initials.
import { memo, useContext, useEffect, useState } from 'react';
import { ControllerContext } from './context.js';

const HUES = [210, 260, 330, 20, 150, 190, 40, 290];
const OWN_FILE = /^\/api(\/files\/[1-9][0-9]*)$/;

export interface AvatarProps {
  id: number;
  name: string;
  url?: string | null;
  size?: number;
  online?: boolean | undefined;
}

function usePictureUrl(url: string | null | undefined): string | null {
  const controller = useContext(ControllerContext);
  const own = url ? OWN_FILE.exec(url) : null;
  const [blob, setBlob] = useState<{ for: string; url: string | null } | null>(null);
  useEffect(() => {
    if (!own || !controller?.rt) return;
    let live = true;
    const path = own[1]!;
    controller.files.cache.get(controller.rt.api, path).then(
      (u) => live && setBlob({ for: path, url: u }),
      () => live && setBlob({ for: path, url: null }),
    );
    return () => {
      live = false;
    };
  }, [own?.[1], controller]); // eslint-disable-line react-hooks/exhaustive-deps
  if (!url) return null;
  if (!own) return url;
  return blob !== null && blob.for === own[1] ? blob.url : null;
}

export const Avatar = memo(function Avatar({ id, name, url, size = 36, online }: AvatarProps) {
  const initials = [...name.trim()].slice(0, 1).join('').toUpperCase() || '?';
  const hue = HUES[id % HUES.length];
  const src = usePictureUrl(url);
  const [failed, setFailed] = useState<string | null>(null);
  const show = src !== null && failed !== src;
  return (
    <span className="avatar" style={{ width: size, height: size, fontSize: size * 0.42, ['--hue' as string]: hue }} aria-hidden="true">
      {show ? <img src={src} alt="" referrerPolicy="no-referrer" onError={() => setFailed(src)} /> : initials}
      {online !== undefined && <span className={online ? 'dot online' : 'dot'} />}
    </span>
  );
});
