// Main process and build scripts: the app mark (a speech bubble) and its tray variants, drawn as RGBA pixels.
import { encodePng } from './png.js';

export type IconVariant = 'app' | 'unread' | 'dnd' | 'dnd-unread' | 'overlay';

type Rgb = readonly [number, number, number];
const BRAND: Rgb = [45, 108, 223];
const MUTED: Rgb = [120, 126, 138];
const ALERT: Rgb = [226, 54, 54];
const WHITE: Rgb = [255, 255, 255];

/** Coverage of a pixel by a shape, sampled 4x4 so edges are anti-aliased at tray sizes. */
function coverage(x: number, y: number, inside: (px: number, py: number) => boolean): number {
  let hits = 0;
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (inside(x + (i + 0.5) / 4, y + (j + 0.5) / 4)) hits++;
  return hits / 16;
}

function roundRect(cx: number, cy: number, w: number, h: number, r: number) {
  return (px: number, py: number) => {
    const dx = Math.max(Math.abs(px - cx) - (w / 2 - r), 0);
    const dy = Math.max(Math.abs(py - cy) - (h / 2 - r), 0);
    return dx * dx + dy * dy <= r * r;
  };
}

function circle(cx: number, cy: number, r: number) {
  return (px: number, py: number) => (px - cx) ** 2 + (py - cy) ** 2 <= r * r;
}

function bubble(s: number) {
  const body = roundRect(s * 0.5, s * 0.44, s * 0.84, s * 0.66, s * 0.2);
  // The tail: a triangle under the bubble's lower left.
  const tail = (px: number, py: number) => {
    const x = px / s;
    const y = py / s;
    return y >= 0.7 && y <= 0.92 && x >= 0.22 && x <= 0.22 + (0.92 - y) * 1.1;
  };
  return (px: number, py: number) => body(px, py) || tail(px, py);
}

function dots(s: number) {
  const r = s * 0.06;
  const a = circle(s * 0.3, s * 0.44, r);
  const b = circle(s * 0.5, s * 0.44, r);
  const c = circle(s * 0.7, s * 0.44, r);
  return (px: number, py: number) => a(px, py) || b(px, py) || c(px, py);
}

// Digits and "+" on a 3x5 grid, enough for the Windows overlay's "1".."9" and "9+" at 16 px.
const GLYPHS: Record<string, readonly string[]> = {
  '0': ['111', '101', '101', '101', '111'],
  '1': ['010', '110', '010', '010', '111'],
  '2': ['111', '001', '111', '100', '111'],
  '3': ['111', '001', '111', '001', '111'],
  '4': ['101', '101', '111', '001', '001'],
  '5': ['111', '100', '111', '001', '111'],
  '6': ['111', '100', '111', '101', '111'],
  '7': ['111', '001', '001', '001', '001'],
  '8': ['111', '101', '111', '101', '111'],
  '9': ['111', '101', '111', '001', '111'],
  '+': ['000', '010', '111', '010', '000'],
};

/** The text centred in an s x s square, glyphs 3x5 cells with one cell between them. */
function text(label: string, s: number) {
  const glyphs = Array.from(label).map((c) => GLYPHS[c] ?? GLYPHS['+'] ?? []);
  const cols = glyphs.length * 4 - 1;
  const cell = Math.min((s * 0.5) / 5, (s * 0.72) / cols);
  const left = (s - cols * cell) / 2;
  const top = (s - 5 * cell) / 2;
  return (px: number, py: number) => {
    const col = Math.floor((px - left) / cell);
    const row = Math.floor((py - top) / cell);
    if (col < 0 || row < 0 || row > 4 || col >= cols || col % 4 === 3) return false;
    return glyphs[Math.floor(col / 4)]?.[row]?.[col % 4] === '1';
  };
}

/** Layers painted bottom to top; later layers cover earlier ones. */
function layers(variant: IconVariant, s: number, label?: string): Array<[(px: number, py: number) => boolean, Rgb]> {
  if (variant === 'overlay') {
    const dot: [(px: number, py: number) => boolean, Rgb] = [circle(s / 2, s / 2, s * 0.48), ALERT];
    return label ? [dot, [text(label, s), WHITE]] : [dot];
  }
  const color = variant === 'dnd' || variant === 'dnd-unread' ? MUTED : BRAND;
  const list: Array<[(px: number, py: number) => boolean, Rgb]> = [
    [bubble(s), color],
    [dots(s), WHITE],
  ];
  if (variant === 'unread' || variant === 'dnd-unread') {
    list.push([circle(s * 0.8, s * 0.2, s * 0.22), WHITE]);
    list.push([circle(s * 0.8, s * 0.2, s * 0.17), ALERT]);
  }
  return list;
}

/** PNG of the icon; `label` is the text on the overlay dot (its unread count). */
export function drawIcon(variant: IconVariant, size: number, label?: string): Buffer {
  return encodePng(size, size, drawPixels(variant, size, label));
}

/** The icon as straight-alpha RGBA pixels, row by row. */
export function drawPixels(variant: IconVariant, size: number, label?: string): Uint8Array {
  const rgba = new Uint8Array(size * size * 4);
  const paint = layers(variant, size, label);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0;
      for (const [shape, [cr, cg, cb]] of paint) {
        const c = coverage(x, y, shape);
        if (c === 0) continue;
        // "over" compositing in straight alpha
        const outA = c + a * (1 - c);
        r = (cr * c + r * a * (1 - c)) / outA;
        g = (cg * c + g * a * (1 - c)) / outA;
        b = (cb * c + b * a * (1 - c)) / outA;
        a = outA;
      }
      const i = (y * size + x) * 4;
      rgba[i] = Math.round(r);
      rgba[i + 1] = Math.round(g);
      rgba[i + 2] = Math.round(b);
      rgba[i + 3] = Math.round(a * 255);
    }
  }
  return rgba;
}
