import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_DESKTOP_SETTINGS } from '../protocol/desktop.js';
import { applyStartAtLogin, autostartEntry, shouldStartHidden } from './login-item.js';
import { trayMenuTemplate } from './menus.js';
import { createResumeSignal } from './resume.js';
import { createSettingsService, machineDefaults, readSettings, SETTINGS_KEY } from './settings.js';
import { memoryStore } from './test-fakes.js';

describe('settings', () => {
  it('starts from defaults and keeps valid fields of a damaged file', () => {
    expect(readSettings(memoryStore())).toEqual(DEFAULT_DESKTOP_SETTINGS);
    const store = memoryStore({ [SETTINGS_KEY]: { doNotDisturb: true, showPreviews: 'no', closeToTray: false, junk: 1 } });
    expect(readSettings(store)).toEqual({ ...DEFAULT_DESKTOP_SETTINGS, doNotDisturb: true, closeToTray: false });
    expect(readSettings(memoryStore({ [SETTINGS_KEY]: 'garbage' }))).toEqual(DEFAULT_DESKTOP_SETTINGS);
  });

  it('starts with close-to-tray off on stock GNOME, which shows no tray, and on elsewhere', () => {
    expect(machineDefaults('linux', 'GNOME').closeToTray).toBe(false);
    expect(machineDefaults('linux', 'GNOME-Classic:GNOME').closeToTray).toBe(false);
    expect(machineDefaults('linux', 'ubuntu:GNOME').closeToTray).toBe(true);
    expect(machineDefaults('linux', 'KDE').closeToTray).toBe(true);
    expect(machineDefaults('linux', undefined).closeToTray).toBe(true);
    expect(machineDefaults('win32', 'GNOME').closeToTray).toBe(true);
    const store = memoryStore();
    expect(readSettings(store, machineDefaults('linux', 'GNOME')).closeToTray).toBe(false);
    store.set(SETTINGS_KEY, { closeToTray: true });
    expect(readSettings(store, machineDefaults('linux', 'GNOME')).closeToTray).toBe(true);
  });

  it('persists a patch, applies start-at-login once and reports changes', () => {
    const store = memoryStore();
    const applyStartAtLogin = vi.fn();
    const onChange = vi.fn();
    const s = createSettingsService({ store, applyStartAtLogin, onChange });
    expect(s.set({ startAtLogin: true })).toMatchObject({ startAtLogin: true });
    expect(applyStartAtLogin).toHaveBeenCalledWith(true);
    expect(onChange).toHaveBeenCalledTimes(1);
    s.set({ startAtLogin: true });
    expect(applyStartAtLogin).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(s.get().startAtLogin).toBe(true);
  });
});

describe('start at login', () => {
  const base = {
    setLoginItemSettings: vi.fn(),
    execPath: '/opt/Messenger/messenger',
    configHome: '/home/ann/.config',
    writeFile: vi.fn(),
    removeFile: vi.fn(),
    mkdir: vi.fn(),
  };

  it('uses the login item API on Windows and macOS, starting hidden', () => {
    const d = { ...base, platform: 'win32' as const, setLoginItemSettings: vi.fn() };
    applyStartAtLogin(true, d);
    expect(d.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: true, args: ['--hidden'] });
  });

  it('writes and removes an XDG autostart entry on Linux', () => {
    const d = { ...base, platform: 'linux' as const, writeFile: vi.fn(), removeFile: vi.fn() };
    applyStartAtLogin(true, d);
    expect(d.writeFile).toHaveBeenCalledWith(
      '/home/ann/.config/autostart/messenger.desktop',
      expect.stringContaining('Exec="/opt/Messenger/messenger" --hidden'),
    );
    applyStartAtLogin(false, d);
    expect(d.removeFile).toHaveBeenCalledWith('/home/ann/.config/autostart/messenger.desktop');
    expect(autostartEntry('/a "b"/$x')).toContain('Exec="/a \\"b\\"/\\$x" --hidden');
  });

  it('starts hidden when launched at login', () => {
    expect(shouldStartHidden(['x', '--hidden'], 'linux', false)).toBe(true);
    expect(shouldStartHidden(['x'], 'darwin', true)).toBe(true);
    expect(shouldStartHidden(['x'], 'win32', true)).toBe(false);
  });
});

describe('tray menu', () => {
  it('offers Open, a Do Not Disturb checkbox and Quit', () => {
    const setDoNotDisturb = vi.fn();
    const items = trayMenuTemplate({ productName: 'Messenger', doNotDisturb: true, show: vi.fn(), setDoNotDisturb, quit: vi.fn() });
    expect(items.map((i) => i.label ?? i.type)).toEqual(['Open Messenger', 'Do Not Disturb', 'separator', 'Quit']);
    const dnd = items[1];
    expect(dnd).toMatchObject({ type: 'checkbox', checked: true });
    const click = dnd?.click as unknown as (item: { checked: boolean }) => void;
    click({ checked: false });
    expect(setDoNotDisturb).toHaveBeenCalledWith(false);
  });
});

describe('resume signal', () => {
  it('fires once for resume + unlock together, and on an offline -> online edge', () => {
    let now = 0;
    const send = vi.fn();
    const r = createResumeSignal({ send, now: () => now });
    r.resumed();
    now += 500;
    r.resumed();
    expect(send.mock.calls).toEqual([['resume']]);
    now += 10_000;
    expect(r.onlineState(true)).toBe(false); // first sample: no edge
    expect(r.onlineState(false)).toBe(false);
    expect(r.onlineState(true)).toBe(true);
    expect(send).toHaveBeenLastCalledWith('online');
  });
});
