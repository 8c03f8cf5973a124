// Initials on a colour derived from the id, or the user's picture; an optional presence dot.
import { memo } from 'react';

const HUES = [210, 260, 330, 20, 150, 190, 40, 290];

export interface AvatarProps {
  id: number;
  name: string;
  url?: string | null;
  size?: number;
  online?: boolean | undefined;
}

export const Avatar = memo(function Avatar({ id, name, url, size = 36, online }: AvatarProps) {
  const initials = [...name.trim()].slice(0, 1).join('').toUpperCase() || '?';
  const hue = HUES[id % HUES.length];
  return (
    <span className="avatar" style={{ width: size, height: size, fontSize: size * 0.42, ['--hue' as string]: hue }} aria-hidden="true">
      {url ? <img src={url} alt="" referrerPolicy="no-referrer" /> : initials}
      {online !== undefined && <span className={online ? 'dot online' : 'dot'} />}
    </span>
  );
});
