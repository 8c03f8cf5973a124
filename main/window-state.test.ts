import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SIZE, parseWindowState, restoreBounds, trackWindowState } from './window-state.js';

const laptop = { x: 0, y: 0, width: 1440, height: 860 };
const external = { x: 1440, y: 0, width: 2560, height: 1400 };

describe('window bounds', () => {
  it('opens at the default size the first time', () => {
    expect(restoreBounds(null, [laptop])).toEqual({ bounds: { ...DEFAULT_SIZE }, maximized: false });
  });

  it('restores onto the display it was on', () => {
    const saved = { x: 1600, y: 100, width: 1200, height: 900, maximized: true };
    expect(restoreBounds(saved, [laptop, external])).toEqual({ bounds: { x: 1600, y: 100, width: 1200, height: 900 }, maximized: true });
  });

  it('does not restore onto a monitor that is gone: keeps the size, lets Electron centre it', () => {
    const saved = { x: 1600, y: 100, width: 1200, height: 900, maximized: false };
    expect(restoreBounds(saved, [laptop])).toEqual({ bounds: { width: 1200, height: 860 }, maximized: false });
  });

  it('pulls a window hanging off an edge back inside and shrinks it to fit', () => {
    const saved = { x: -50, y: 700, width: 3000, height: 400, maximized: false };
    expect(restoreBounds(saved, [laptop])).toEqual({ bounds: { x: 0, y: 460, width: 1440, height: 400 }, maximized: false });
  });

  it('ignores a damaged saved state', () => {
    expect(parseWindowState({ x: 'a' })).toBeNull();
    expect(parseWindowState({ x: 0, y: 0, width: 10, height: 10 })).toBeNull();
    expect(parseWindowState({ x: 1, y: 2, width: 800, height: 600 })).toEqual({ x: 1, y: 2, width: 800, height: 600, maximized: false });
  });

  it('saves on close and, debounced, on move', () => {
    vi.useFakeTimers();
    const listeners: Record<string, () => void> = {};
    const save = vi.fn();
    trackWindowState(
      { getNormalBounds: () => ({ x: 1, y: 2, width: 800, height: 600 }), isMaximized: () => false, on: (e, l) => void (listeners[e] = l) },
      save,
    );
    listeners.move?.();
    listeners.move?.();
    expect(save).not.toHaveBeenCalled();
    vi.advanceTimersByTime(600);
    expect(save).toHaveBeenCalledTimes(1);
    listeners.close?.();
    expect(save).toHaveBeenLastCalledWith({ x: 1, y: 2, width: 800, height: 600, maximized: false });
    vi.useRealTimers();
  });
});
