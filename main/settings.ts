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

export function readSettings(store: KeyValueStore): DesktopSettings {
  const raw = store.get(SETTINGS_KEY);
  const merged: Record<string, unknown> = { ...DEFAULT_DESKTOP_SETTINGS };
  if (raw && typeof raw === 'object') {
    for (const [key, value] of Object.entries(raw)) {
      if (!(key in DEFAULT_DESKTOP_SETTINGS)) continue;
      const field = DesktopSettingsSchema.shape[key as keyof DesktopSettings];
      if (field.safeParse(value).success) merged[key] = value;
    }
  }
  return DesktopSettingsSchema.parse(merged);
}

export function createSettingsService(deps: {
  store: KeyValueStore;
  applyStartAtLogin: (enabled: boolean) => void;
  onChange: (settings: DesktopSettings, previous: DesktopSettings) => void;
}): SettingsService {
  return {
    get: () => readSettings(deps.store),
    set(patch) {
      const previous = readSettings(deps.store);
      const next = DesktopSettingsSchema.parse({ ...previous, ...patch });
      if (next.startAtLogin !== previous.startAtLogin) deps.applyStartAtLogin(next.startAtLogin);
      deps.store.set(SETTINGS_KEY, next);
      const changed = (Object.keys(next) as Array<keyof DesktopSettings>).some((k) => next[k] !== previous[k]);
      if (changed) deps.onChange(next, previous);
      return next;
    },
  };
}
