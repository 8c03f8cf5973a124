// Main process: the app's log. electron-log writes <logs>/main.log (Linux: ~/.config/Messenger/logs, macOS:
// ~/Library/Logs/Messenger, Windows: %APPDATA%\Messenger\logs) and rolls it to main.old.log at 1 MB, so a support
// request can ask for two small files. Uncaught errors are logged there instead of vanishing with the process.
import { ipcMain } from 'electron';
import log from 'electron-log/main';

export const LOG_MAX_BYTES = 1024 * 1024;

export function setupLogging(): typeof log {
  log.transports.file.maxSize = LOG_MAX_BYTES;
  log.transports.file.level = 'info';
  log.transports.console.level = process.env.NODE_ENV === 'production' ? 'warn' : 'info';
  log.errorHandler.startCatching({ showDialog: false });
  // electron-log listens for log lines from any renderer; ours send none, so close that door as main does for
  // electron-store's (a page could otherwise write into the log file).
  ipcMain.removeAllListeners('__ELECTRON_LOG__');
  ipcMain.removeHandler('__ELECTRON_LOG__');
  return log;
}

/** Where the log file is, for the start-up failure dialog and "Open logs folder"; null if it cannot be known. */
export function logFilePath(): string | null {
  try {
    return log.transports.file.getFile().path;
  } catch {
    return null;
  }
}
