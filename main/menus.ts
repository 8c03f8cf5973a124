// Main process: the application menu (usual shortcuts: edit, reload, zoom, full screen, quit) and the tray menu.
import type { MenuItemConstructorOptions } from 'electron';

export function appMenuTemplate(opts: {
  platform: NodeJS.Platform;
  productName: string;
  isDev: boolean;
  quit: () => void;
  /** Shows the folder with main.log, for a bug report. */
  openLogs: () => void;
}): MenuItemConstructorOptions[] {
  const mac = opts.platform === 'darwin';
  const quitItem: MenuItemConstructorOptions = { label: `Quit ${opts.productName}`, accelerator: 'CmdOrCtrl+Q', click: opts.quit };
  const view: MenuItemConstructorOptions[] = [
    { role: 'reload' },
    ...(opts.isDev ? [{ role: 'toggleDevTools' } as const] : []),
    { type: 'separator' },
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
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
    { label: 'File', submenu: mac ? [{ role: 'close' }] : [{ role: 'close' }, { type: 'separator' }, quitItem] },
    { role: 'editMenu' },
    { label: 'View', submenu: view },
    { role: 'windowMenu' },
    { label: 'Help', role: 'help', submenu: [{ label: 'Open logs folder', click: opts.openLogs }] },
  ];
}

export function trayMenuTemplate(opts: {
  productName: string;
  doNotDisturb: boolean;
  show: () => void;
  setDoNotDisturb: (on: boolean) => void;
  quit: () => void;
}): MenuItemConstructorOptions[] {
  return [
    { label: `Open ${opts.productName}`, click: opts.show },
    {
      label: 'Do Not Disturb',
      type: 'checkbox',
      checked: opts.doNotDisturb,
      click: (item) => opts.setDoNotDisturb(item.checked),
    },
    { type: 'separator' },
    { label: 'Quit', click: opts.quit },
  ];
}
