// Part of the desktop contract (protocol/desktop.ts re-exports it): the IPC channel names, without zod, so the
// sandboxed preload can import them without bundling the schemas.
import type { DesktopInvokeMethod } from './desktop.js';

/** Request/response channels (renderer -> main, `ipcRenderer.invoke` / `ipcMain.handle`). */
export const DESKTOP_CHANNELS = {
  restoreSession: 'desktop:session:restore',
  login: 'desktop:session:login',
  register: 'desktop:session:register',
  getAccessToken: 'desktop:session:access-token',
  logout: 'desktop:session:logout',
  getServerUrl: 'desktop:session:server-url',
  sessionPersistence: 'desktop:session:persistence',
  notify: 'desktop:notify',
  setUnreadCount: 'desktop:unread-count',
  getSettings: 'desktop:settings:get',
  setSettings: 'desktop:settings:set',
  getDesktopInfo: 'desktop:info',
  installUpdate: 'desktop:update:install',
} as const satisfies Record<DesktopInvokeMethod, string>;
export type DesktopChannel = (typeof DESKTOP_CHANNELS)[keyof typeof DESKTOP_CHANNELS];

/** Events main pushes to the renderer (`webContents.send` / wrapped `ipcRenderer.on`). */
export const DESKTOP_EVENTS = {
  openRoom: 'desktop:event:open-room',
  sessionEnded: 'desktop:event:session-ended',
  resume: 'desktop:event:resume',
  settingsChanged: 'desktop:event:settings-changed',
  updateReady: 'desktop:event:update-ready',
} as const;
export type DesktopEvent = (typeof DESKTOP_EVENTS)[keyof typeof DESKTOP_EVENTS];
