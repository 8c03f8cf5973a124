// The renderer reaches the desktop only through window.desktop: preload's in Electron, ours in a browser.
import type { DesktopApi } from '../../../protocol/desktop.js';
import { createWebDesktop } from './web.js';

declare global {
  interface Window {
    desktop?: DesktopApi;
  }
}

export function getDesktop(): DesktopApi {
  window.desktop ??= createWebDesktop();
  return window.desktop;
}
