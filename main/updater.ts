// Main process: automatic updates with electron-updater. When on (the autoUpdate setting), checks at start and every
// few hours, downloads quietly, and then only offers "Restart to update" (renderer banner, tray and Help menu items):
// the app never restarts by itself. The feed is the project's releases as electron-builder's `publish` wrote them into
// app-update.yml, or a generic feed (a folder with latest*.yml and the installers, e.g. on the team's own server) from
// the updateUrl setting or MESSENGER_UPDATE_URL. Errors go to the log, never to a dialog.

/** The slice of electron-updater's AppUpdater used here. */
export interface UpdaterLike {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  setFeedURL(options: { provider: 'generic'; url: string }): void;
  checkForUpdates(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
}

export interface UpdateLog {
  info(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export const UPDATE_CHECK_INTERVAL_MS = 4 * 60 * 60 * 1000;

export interface UpdateService {
  /** At start and after the autoUpdate or updateUrl setting changed. */
  apply(): void;
  /** The downloaded version waiting for a restart, or null. */
  ready(): string | null;
  /** "Restart to update": quit, install, start again. False when nothing is downloaded. */
  install(): boolean;
  readonly canUpdate: boolean;
}

export function createUpdateService(deps: {
  /** null where updating cannot work (a development run, not packaged). */
  updater: UpdaterLike | null;
  settings: () => { autoUpdate: boolean; updateUrl: string | null };
  /** MESSENGER_UPDATE_URL: a generic feed when the setting names none. */
  envFeedUrl: string | null;
  log: UpdateLog;
  onReady: (version: string) => void;
  /** Just before quitAndInstall, so close-to-tray lets the window go. */
  beforeInstall: () => void;
  /**
   * Linux AppImage: electron-updater would start the new file while this process still holds the single-instance
   * lock, so the new one would hand over to us and exit. Instead this asks Electron to start it once we have quit.
   */
  relaunchAfterQuit?: (() => void) | null;
  intervalMs?: number;
}): UpdateService {
  const { updater, log } = deps;
  let timer: ReturnType<typeof setInterval> | null = null;
  let readyVersion: string | null = null;
  let feed: string | null = null;

  if (updater) {
    updater.autoDownload = true;
    // Installed when the user quits anyway; a restart is offered, never forced.
    updater.autoInstallOnAppQuit = true;
    updater.on('error', (err) => log.error('update failed:', err));
    updater.on('update-downloaded', (info) => {
      log.info(`update ${info.version} downloaded; offering a restart`);
      readyVersion = info.version;
      deps.onReady(info.version);
    });
  }

  const check = () => {
    if (!updater) return;
    updater.checkForUpdates().catch((err: unknown) => log.error('update check failed:', err));
  };

  return {
    canUpdate: updater !== null,
    apply() {
      if (!updater) return;
      const { autoUpdate, updateUrl } = deps.settings();
      if (timer) clearInterval(timer);
      timer = null;
      if (!autoUpdate) {
        log.info('automatic updates are off');
        return;
      }
      const wanted = updateUrl ?? deps.envFeedUrl;
      if (wanted && wanted !== feed) updater.setFeedURL({ provider: 'generic', url: wanted });
      // electron-updater cannot go back to app-update.yml's feed in a running app; the next start uses it again.
      else if (!wanted && feed) log.info('update feed reset to the default; takes effect at the next start');
      if (wanted) feed = wanted;
      check();
      timer = setInterval(check, deps.intervalMs ?? UPDATE_CHECK_INTERVAL_MS);
      timer.unref?.();
    },
    ready: () => readyVersion,
    install() {
      if (!updater || readyVersion === null) return false;
      deps.beforeInstall();
      if (deps.relaunchAfterQuit) {
        deps.relaunchAfterQuit();
        updater.quitAndInstall(true, false);
      } else {
        updater.quitAndInstall(true, true);
      }
      return true;
    },
  };
}
