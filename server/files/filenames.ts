// A filename from a client is a label, never a path: it is cleaned for display and for the download header.

/** C0/C1 controls (NUL included), and the bidirectional formatting characters that can make "gpj.exe" look like "exe.jpg". */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const MAX_NAME = 200;

function limit(name: string, max: number): string {
  const chars = [...name];
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
  return chars.slice(0, max - [...ext].length).join('') + ext;
}

/**
 * The name to keep: NFC, no controls or direction overrides, no path separators, no leading dots (no hidden
 * files, no "..") and no trailing dots or spaces (Windows drops them), at most 200 characters keeping the extension.
 * Nothing left means "file".
 */
export function cleanFilename(raw: string | undefined): string {
  let name = (raw ?? '').normalize('NFC').replace(UNSAFE, '');
  if (!name.isWellFormed()) name = name.toWellFormed();
  name = name
    .replace(/[/\\]/g, '_')
    .replace(/^[\s.]+/, '')
    .replace(/[\s.]+$/, '');
  name = limit(name, MAX_NAME);
  return name === '' ? 'file' : name;
}

/** Gives a raster image the extension of what it really is (a PNG named photo.jpg becomes photo.png). */
export function withExtension(name: string, ext: string): string {
  const dot = name.lastIndexOf('.');
  const stem = dot > 0 ? name.slice(0, dot) : name;
  const current = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  if (current === ext || (ext === 'jpg' && current === 'jpeg')) return name;
  return `${stem}.${ext}`;
}
