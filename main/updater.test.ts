import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { createAttention } from './attention.js';
import { createUpdateService } from './updater.js';
import type { UpdaterLike } from './updater.js';

function fakeUpdater() {
  const events = new EventEmitter();
  const u = {
    autoDownload: false,
    autoInstallOnAppQuit: false,
    setFeedURL: vi.fn(),
    checkForUpdates: vi.fn(async () => null),
    quitAndInstall: vi.fn(),
    on: (event: string, l: (...a: unknown[]) => void) => events.on(event, l),
  };
  return { u: u as unknown as UpdaterLike & typeof u, events };
}

describe('update service', () => {
  it('checks at start and on a timer while on, with the configured feed; stops when off', () => {
    vi.useFakeTimers();
    const { u } = fakeUpdater();
    let settings = { autoUpdate: true, updateUrl: null as string | null };
    const log = { info: vi.fn(), error: vi.fn() };
    const s = createUpdateService({
      updater: u,
      settings: () => settings,
      envFeedUrl: 'https://updates.example/messenger',
      log,
      onReady: vi.fn(),
      beforeInstall: vi.fn(),
      intervalMs: 1000,
    });
    s.apply();
    expect(u.autoDownload).toBe(true);
    expect(u.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://updates.example/messenger' });
    expect(u.checkForUpdates).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(2500);
    expect(u.checkForUpdates).toHaveBeenCalledTimes(3);
    settings = { autoUpdate: false, updateUrl: null };
    s.apply();
    vi.advanceTimersByTime(5000);
    expect(u.checkForUpdates).toHaveBeenCalledTimes(3);
    settings = { autoUpdate: true, updateUrl: 'https://team.example/updates' };
    s.apply();
    expect(u.setFeedURL).toHaveBeenLastCalledWith({ provider: 'generic', url: 'https://team.example/updates' });
    vi.useRealTimers();
  });

  it('offers the downloaded version and installs only when asked; errors are logged', () => {
    const { u, events } = fakeUpdater();
    const onReady = vi.fn();
    const log = { info: vi.fn(), error: vi.fn() };
    const beforeInstall = vi.fn();
    const s = createUpdateService({
      updater: u,
      settings: () => ({ autoUpdate: true, updateUrl: null }),
      envFeedUrl: null,
      log,
      onReady,
      beforeInstall,
    });
    expect(s.install()).toBe(false);
    events.emit('error', new Error('feed down'));
    expect(log.error).toHaveBeenCalled();
    events.emit('update-downloaded', { version: '2.0.0' });
    expect(onReady).toHaveBeenCalledWith('2.0.0');
    expect(s.ready()).toBe('2.0.0');
    expect(u.quitAndInstall).not.toHaveBeenCalled();
    expect(s.install()).toBe(true);
    expect(beforeInstall).toHaveBeenCalled();
    expect(u.quitAndInstall).toHaveBeenCalledWith(true, true);
  });

  it('does nothing where the app cannot update (not packaged)', () => {
    const s = createUpdateService({
      updater: null,
      settings: () => ({ autoUpdate: true, updateUrl: null }),
      envFeedUrl: null,
      log: { info: vi.fn(), error: vi.fn() },
      onReady: vi.fn(),
      beforeInstall: vi.fn(),
    });
    s.apply();
    expect(s.canUpdate).toBe(false);
    expect(s.install()).toBe(false);
  });
});

describe('attention', () => {
  function setup(platform: NodeJS.Platform, focused = false, enabled = true) {
    const win = { isDestroyed: () => false, isFocused: () => focused, flashFrame: vi.fn() };
    const bounce = vi.fn(() => 7);
    const cancelBounce = vi.fn();
    const a = createAttention({ platform, window: () => win, enabled: () => enabled, bounce, cancelBounce });
    return { a, win, bounce, cancelBounce };
  }
  it('bounces the dock once on macOS and cancels it on focus', () => {
    const t = setup('darwin');
    expect(t.a.message({ isDirect: false, mentionsMe: true })).toBe(true);
    t.a.message({ isDirect: true });
    expect(t.bounce).toHaveBeenCalledTimes(1);
    t.a.focused();
    expect(t.cancelBounce).toHaveBeenCalledWith(7);
    expect(t.win.flashFrame).not.toHaveBeenCalled();
  });
  it('nothing for a plain room message, a focused window or with the setting off', () => {
    expect(setup('win32').a.message({ isDirect: false })).toBe(false);
    expect(setup('win32', true).a.message({ isDirect: true })).toBe(false);
    expect(setup('win32', false, false).a.message({ isDirect: true })).toBe(false);
  });
});
