// Main process: remember where the window was and put it back only where a screen still exists (a laptop undocked
// from its external monitor must not open the window off-screen).
import { z } from 'zod';
import type { Rectangle } from 'electron';

export const WINDOW_STATE_KEY = 'windowState';
export const DEFAULT_SIZE = { width: 1100, height: 760 } as const;
const MIN_VISIBLE = 100;

const WindowStateSchema = z.object({
  x: z.number().int(),
  y: z.number().int(),
  width: z.number().int().min(300).max(20_000),
  height: z.number().int().min(200).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowState = z.output<typeof WindowStateSchema>;

export function parseWindowState(raw: unknown): WindowState | null {
  const parsed = WindowStateSchema.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

function overlap(a: Rectangle, b: Rectangle): { w: number; h: number } {
  return {
    w: Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x),
    h: Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y),
  };
}

/**
 * Bounds to open with: the saved ones when enough of the window's top strip lands on a current display's work area
 * (so it can still be grabbed), shrunk to fit that display; otherwise only the saved size, centred by Electron.
 */
export function restoreBounds(
  saved: WindowState | null,
  workAreas: readonly Rectangle[],
): { bounds: Partial<Rectangle> & { width: number; height: number }; maximized: boolean } {
  if (!saved) return { bounds: { ...DEFAULT_SIZE }, maximized: false };
  const titleStrip: Rectangle = { x: saved.x, y: saved.y, width: saved.width, height: 40 };
  const home = workAreas.find((area) => {
    const o = overlap(titleStrip, area);
    return o.w >= Math.min(MIN_VISIBLE, saved.width) && o.h > 0;
  });
  if (!home) {
    const area = workAreas[0];
    const width = area ? Math.min(saved.width, area.width) : saved.width;
    const height = area ? Math.min(saved.height, area.height) : saved.height;
    return { bounds: { width, height }, maximized: saved.maximized };
  }
  const width = Math.min(saved.width, home.width);
  const height = Math.min(saved.height, home.height);
  const x = Math.min(Math.max(saved.x, home.x), home.x + home.width - width);
  const y = Math.min(Math.max(saved.y, home.y), home.y + home.height - height);
  return { bounds: { x, y, width, height }, maximized: saved.maximized };
}

/** Saves on move/resize (debounced) and on close; uses the normal bounds so a maximized window restores sensibly. */
export function trackWindowState(
  win: {
    getNormalBounds(): Rectangle;
    isMaximized(): boolean;
    on(event: 'resize' | 'move' | 'close', listener: () => void): unknown;
  },
  save: (state: WindowState) => void,
  debounceMs = 500,
): void {
  let timer: NodeJS.Timeout | undefined;
  const write = () => {
    clearTimeout(timer);
    const b = win.getNormalBounds();
    save({ x: b.x, y: b.y, width: b.width, height: b.height, maximized: win.isMaximized() });
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(write, debounceMs);
  };
  win.on('resize', later);
  win.on('move', later);
  win.on('close', write);
}
