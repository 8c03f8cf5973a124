// Main process: the user's desktop settings, kept in electron-store and validated on the way in and out (a
// hand-edited or damaged file falls back to defaults field by field instead of crashing the app).
import { DEFAULT_DESKTOP_SETTINGS, DesktopSettingsSchema } from '../protocol/desktop.js';
import type { DesktopSettings, DesktopSettingsPatch } from '../protocol/desktop.js';
import type { KeyValueStore } from './session-store.js';

export const SETTINGS_KEY = 'settings';

export interface SettingsService {
  get(): DesktopSettings;
  /** Applies side effects (start at login), persists, and notifies listeners when anything changed. */
  set(patch: DesktopSettingsPatch): DesktopSettings;
}

/**
 * Defaults for this machine. Stock GNOME shows no tray icons (they need the AppIndicator extension), so closing the
 * window there would make the app vanish: close-to-tray starts off. Ubuntu's and Pop!_OS's GNOME ship the extension
 * (XDG_CURRENT_DESKTOP "ubuntu:GNOME", "pop:GNOME"), as do KDE, Xfce, Cinnamon, MATE and Budgie.
 */
export function machineDefaults(platform: NodeJS.Platform, xdgCurrentDesktop: string | undefined): DesktopSettings {
  return { ...DEFAULT_DESKTOP_SETTINGS, closeToTray: !(platform === 'linux' && stockGnome(xdgCurrentDesktop)) };
}

/** GNOME as upstream ships it (XDG_CURRENT_DESKTOP "GNOME"), whose shell shows no tray icons. */
export function stockGnome(xdgCurrentDesktop: string | undefined): boolean {
  const desktops = (xdgCurrentDesktop ?? '').toLowerCase().split(':').filter(Boolean);
  return desktops.length > 0 && desktops.every((d) => d === 'gnome' || d === 'gnome-classic');
}

export function readSettings(store: KeyValueStore, defaults: DesktopSettings = DEFAULT_DESKTOP_SETTINGS): DesktopSettings {
  const raw = store.get(SETTINGS_KEY);
  const merged: Record<string, unknown> = { ...defaults };
  if (raw && typeof raw === 'object') {
    for (const [key, value] of Object.entries(raw)) {
      if (!(key in defaults)) continue;
      const field = DesktopSettingsSchema.shape[key as keyof DesktopSettings];
      if (field.safeParse(value).success) merged[key] = value;
    }
  }
  return DesktopSettingsSchema.parse(merged);
}

export function createSettingsService(deps: {
  store: KeyValueStore;
  defaults?: DesktopSettings;
  applyStartAtLogin: (enabled: boolean) => void;
  onChange: (settings: DesktopSettings, previous: DesktopSettings) => void;
}): SettingsService {
  return {
    get: () => readSettings(deps.store, deps.defaults),
    set(patch) {
      const previous = readSettings(deps.store, deps.defaults);
      const next = DesktopSettingsSchema.parse({ ...previous, ...patch });
      if (next.startAtLogin !== previous.startAtLogin) deps.applyStartAtLogin(next.startAtLogin);
      deps.store.set(SETTINGS_KEY, next);
      const changed = JSON.stringify(next) !== JSON.stringify(previous);
      if (changed) deps.onChange(next, previous);
      return next;
    },
  };
}
