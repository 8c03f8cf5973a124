// Main process: the application menu (usual shortcuts: edit, reload, zoom, full screen, quit) and the tray menu, in
// the app's language (main/i18n.ts). Items that Electron would label by itself in English get our label.
import type { MenuItemConstructorOptions } from 'electron';
import { MAIN_STRINGS } from './i18n.js';
import type { MainStrings } from './i18n.js';

export function appMenuTemplate(opts: {
  platform: NodeJS.Platform;
  productName: string;
  isDev: boolean;
  quit: () => void;
  /** Shows the folder with main.log, for a bug report. */
  openLogs: () => void;
  strings?: MainStrings;
  /** Set when an update is downloaded: offered in Help as "Restart to update". */
  restartToUpdate?: (() => void) | null;
}): MenuItemConstructorOptions[] {
  const s = opts.strings ?? MAIN_STRINGS.en;
  const mac = opts.platform === 'darwin';
  const quitItem: MenuItemConstructorOptions = { label: s.quitApp(opts.productName), accelerator: 'CmdOrCtrl+Q', click: opts.quit };
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload', label: s.reload },
    ...(opts.isDev ? [{ role: 'toggleDevTools' } as const] : []),
    { type: 'separator' },
    { role: 'resetZoom', label: s.resetZoom },
    { role: 'zoomIn', label: s.zoomIn },
    { role: 'zoomOut', label: s.zoomOut },
    { type: 'separator' },
    { role: 'togglefullscreen', label: s.fullScreen },
  ];
  const edit: MenuItemConstructorOptions[] = [
    { role: 'undo', label: s.undo },
    { role: 'redo', label: s.redo },
    { type: 'separator' },
    { role: 'cut', label: s.cut },
    { role: 'copy', label: s.copy },
    { role: 'paste', label: s.paste },
    { role: 'selectAll', label: s.selectAll },
  ];
  const update = opts.restartToUpdate;
  return [
    ...(mac
      ? [
          {
            label: opts.productName,
            submenu: [
              { role: 'about' },
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              quitItem,
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    // Close (Ctrl/Cmd+W) goes through the window's close handler, so with close-to-tray it hides instead of quitting.
    {
      label: s.file,
      submenu: mac ? [{ role: 'close', label: s.close }] : [{ role: 'close', label: s.close }, { type: 'separator' }, quitItem],
    },
    { label: s.edit, submenu: edit },
    { label: s.view, submenu: view },
    { label: s.window, role: 'window', submenu: [{ role: 'minimize', label: s.minimize }] },
    {
      label: s.help,
      role: 'help',
      submenu: [...(update ? [{ label: s.restartToUpdate, click: update }] : []), { label: s.openLogs, click: opts.openLogs }],
    },
  ];
}

export function trayMenuTemplate(opts: {
  productName: string;
  doNotDisturb: boolean;
  show: () => void;
  setDoNotDisturb: (on: boolean) => void;
  quit: () => void;
  strings?: MainStrings;
  /** Set when an update is downloaded: the first item, "Restart to update". Never done without this click. */
  restartToUpdate?: (() => void) | null;
}): MenuItemConstructorOptions[] {
  const s = opts.strings ?? MAIN_STRINGS.en;
  const update = opts.restartToUpdate;
  return [
    ...(update ? [{ label: s.restartToUpdate, click: update }, { type: 'separator' as const }] : []),
    { label: s.open(opts.productName), click: opts.show },
    {
      label: s.doNotDisturb,
      type: 'checkbox',
      checked: opts.doNotDisturb,
      click: (item) => opts.setDoNotDisturb(item.checked),
    },
    { type: 'separator' },
    { label: s.quit, click: opts.quit },
  ];
}
