// Main process: "start at login, hidden". Electron's setLoginItemSettings covers Windows and macOS; Linux has no
// such API, so we write an XDG autostart entry ourselves.
import { join } from 'node:path';

export const HIDDEN_FLAG = '--hidden';

export interface LoginItemDeps {
  platform: NodeJS.Platform;
  setLoginItemSettings: (settings: { openAtLogin: boolean; args?: string[] }) => void;
  /** Linux: the command to start; an AppImage must be started through $APPIMAGE, its mount point changes every run. */
  execPath: string;
  configHome: string;
  writeFile: (path: string, data: string) => void;
  removeFile: (path: string) => void;
  mkdir: (path: string) => void;
}

export function autostartEntry(execPath: string, name = 'Messenger'): string {
  const quoted = `"${execPath.replace(/(["`$\\])/g, '\\$1')}"`;
  return [
    '[Desktop Entry]',
    'Type=Application',
    `Name=${name}`,
    `Exec=${quoted} ${HIDDEN_FLAG}`,
    'X-GNOME-Autostart-enabled=true',
    'NoDisplay=false',
    '',
  ].join('\n');
}

export function applyStartAtLogin(enabled: boolean, deps: LoginItemDeps): void {
  if (deps.platform !== 'linux') {
    // `args` is read on Windows; on macOS the app checks wasOpenedAtLogin instead (see shouldStartHidden).
    deps.setLoginItemSettings({ openAtLogin: enabled, args: [HIDDEN_FLAG] });
    return;
  }
  const dir = join(deps.configHome, 'autostart');
  const file = join(dir, 'messenger.desktop');
  if (enabled) {
    deps.mkdir(dir);
    deps.writeFile(file, autostartEntry(deps.execPath));
  } else {
    deps.removeFile(file);
  }
}

export function shouldStartHidden(argv: readonly string[], platform: NodeJS.Platform, wasOpenedAtLogin: boolean): boolean {
  return argv.includes(HIDDEN_FLAG) || (platform === 'darwin' && wasOpenedAtLogin);
}
