// Main process (Electron glue): tray icon, its menu, badge and Windows overlay, driven by unread.ts.
import { app, Menu, nativeImage, Tray } from 'electron';
import type { BrowserWindow, NativeImage } from 'electron';
import { drawIcon } from './icon-art.js';
import type { IconVariant } from './icon-art.js';
import type { MainStrings } from './i18n.js';
import { trayMenuTemplate } from './menus.js';
import { createUnreadIndicator } from './unread.js';
import type { UnreadIndicator, UnreadPresentation } from './unread.js';

const cache = new Map<string, NativeImage>();

/** Tray-sized icons: Linux trays draw 22-24 px at 1x; Windows and macOS want 16 pt, given here as a 2x bitmap. */
export function trayImage(variant: UnreadPresentation['icon'] | 'overlay' | 'app', platform: NodeJS.Platform, label?: string): NativeImage {
  const key = `${variant}:${platform}:${label ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const art: IconVariant = variant === 'idle' ? 'app' : variant;
  const linux = platform === 'linux';
  const image = nativeImage.createFromBuffer(drawIcon(art, linux ? 24 : 32, label), { scaleFactor: linux ? 1 : 2 });
  cache.set(key, image);
  return image;
}

export function appIcon(): NativeImage {
  return nativeImage.createFromBuffer(drawIcon('app', 256));
}

export function createTray(opts: {
  productName: string;
  platform: NodeJS.Platform;
  window: () => BrowserWindow | null;
  doNotDisturb: () => boolean;
  setDoNotDisturb: (on: boolean) => void;
  show: () => void;
  quit: () => void;
  strings: () => MainStrings;
  /** Set once an update is downloaded: the menu then starts with "Restart to update". */
  restartToUpdate: () => (() => void) | null;
}): { tray: Tray; indicator: UnreadIndicator; refreshMenu: () => void } {
  const tray = new Tray(trayImage('idle', opts.platform));
  const refreshMenu = () => {
    tray.setContextMenu(
      Menu.buildFromTemplate(
        trayMenuTemplate({
          productName: opts.productName,
          doNotDisturb: opts.doNotDisturb(),
          show: opts.show,
          setDoNotDisturb: opts.setDoNotDisturb,
          quit: opts.quit,
          strings: opts.strings(),
          restartToUpdate: opts.restartToUpdate(),
        }),
      ),
    );
  };
  refreshMenu();
  // macOS opens the menu on click by itself; elsewhere a click on the icon means "show me the app".
  if (opts.platform !== 'darwin') tray.on('click', opts.show);

  const indicator = createUnreadIndicator<NativeImage>(
    {
      tray: () => (tray.isDestroyed() ? null : tray),
      setBadgeCount: (count) => app.setBadgeCount(count),
      overlay: () => {
        const win = opts.window();
        return opts.platform === 'win32' && win && !win.isDestroyed() ? win : null;
      },
      image: (variant) => trayImage(variant, opts.platform),
      overlayImage: (label) => trayImage('overlay', opts.platform, label),
      refreshMenu,
      strings: opts.strings,
    },
    opts.doNotDisturb(),
  );
  indicator.setCount(0);
  return { tray, indicator, refreshMenu };
}
