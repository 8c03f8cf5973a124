// Raster images: size read from the header (never decoding a bomb), re-encoded without metadata, and a thumbnail.
import type { default as Sharp, Metadata, SharpOptions } from 'sharp';
import { AppError } from '../errors.js';

/** The raster types we show inline; everything else is a plain file, downloaded and never rendered. */
export const RASTER: Record<string, { format: 'jpeg' | 'png' | 'gif' | 'webp'; ext: string }> = {
  'image/jpeg': { format: 'jpeg', ext: 'jpg' },
  'image/png': { format: 'png', ext: 'png' },
  'image/gif': { format: 'gif', ext: 'gif' },
  'image/webp': { format: 'webp', ext: 'webp' },
};

/** 40 megapixels (a 7700x5200 photo): beyond this an image is refused before any pixel is decoded. */
export const MAX_PIXELS = 40_000_000;
export const THUMB_SIZE = 480;
export const THUMB_MIME = 'image/webp';

let library: Promise<typeof Sharp> | undefined;

/**
 * sharp (libvips), loaded at the first image rather than at start-up: it was a sixth of the server's module loading,
 * and a restart (a deploy, a crash, a reconnect storm) waits for every module before it listens. A failed load is
 * tried again at the next image, and is a server error there, never a refused image.
 */
function imageLibrary(): Promise<typeof Sharp> {
  return (library ??= import('sharp').then(
    ({ default: sharp }) => {
      // One decode at a time per core is plenty on a small server; libvips threads inside each.
      sharp.concurrency(1);
      sharp.cache(false);
      return sharp;
    },
    (err: unknown) => {
      library = undefined;
      throw err;
    },
  ));
}

function refused(message: string): AppError {
  return new AppError('UNSUPPORTED_MEDIA_TYPE', message, { details: [{ path: 'file', message }] });
}

export interface ProcessedImage {
  width: number;
  height: number;
}

/**
 * Reads `input`'s header, refuses it when it is larger than MAX_PIXELS (all frames together), then writes a
 * clean copy (EXIF orientation applied, metadata gone) to `output` and a thumbnail to `thumbnail`.
 */
export async function processImage(input: string, mime: string, output: string, thumbnail: string): Promise<ProcessedImage> {
  const kind = RASTER[mime];
  if (!kind) throw refused('not a supported image');
  const animated = kind.format === 'gif' || kind.format === 'webp';
  const sharp = await imageLibrary();
  let meta: Metadata;
  try {
    meta = await sharp(input, { animated }).metadata();
  } catch {
    throw refused('the image could not be read');
  }
  const frameHeight = meta.pageHeight ?? meta.height;
  const frames = meta.pages ?? 1;
  if (!meta.width || !frameHeight) throw refused('the image could not be read');
  if (meta.width * frameHeight * frames > MAX_PIXELS) throw refused(`the image is larger than ${MAX_PIXELS / 1_000_000} megapixels`);
  const rotated = (meta.orientation ?? 1) >= 5;
  // failOn 'truncated' refuses a cut-off file instead of storing a half-grey picture; the pixel limit is sharp's own
  // guard as well, in case a header lied.
  const options: SharpOptions = { animated, limitInputPixels: MAX_PIXELS, failOn: 'truncated' };
  try {
    await sharp(input, options).autoOrient().toFormat(kind.format).toFile(output);
    await sharp(input, { ...options, animated: false })
      .autoOrient()
      .resize(THUMB_SIZE, THUMB_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 80 })
      .toFile(thumbnail);
  } catch {
    throw refused('the image could not be read');
  }
  return rotated ? { width: frameHeight, height: meta.width } : { width: meta.width, height: frameHeight };
}

export const AVATAR_SIZE = 256;
export const AVATAR_MIME = 'image/webp';

/** A profile picture: the centre square of the image (first frame), AVATAR_SIZE on a side, as WebP without metadata. */
export async function processAvatar(input: string, mime: string, output: string): Promise<void> {
  if (!RASTER[mime]) throw refused('an avatar must be a JPEG, PNG, GIF or WebP image');
  const sharp = await imageLibrary();
  let meta: Metadata;
  try {
    meta = await sharp(input).metadata();
  } catch {
    throw refused('the image could not be read');
  }
  if (!meta.width || !meta.height) throw refused('the image could not be read');
  if (meta.width * meta.height > MAX_PIXELS) throw refused(`the image is larger than ${MAX_PIXELS / 1_000_000} megapixels`);
  try {
    await sharp(input, { limitInputPixels: MAX_PIXELS, failOn: 'truncated' })
      .autoOrient()
      .resize(AVATAR_SIZE, AVATAR_SIZE, { fit: 'cover', position: 'centre' })
      .webp({ quality: 85 })
      .toFile(output);
  } catch {
    throw refused('the image could not be read');
  }
}
