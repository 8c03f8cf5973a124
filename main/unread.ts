// Main process: what the unread count and Do Not Disturb look like in the tray, the dock/launcher badge and the
// Windows taskbar overlay. The decision is pure (unreadPresentation); the indicator applies it to injected objects.
import type { IconVariant } from './icon-art.js';

export interface UnreadPresentation {
  icon: Exclude<IconVariant, 'app' | 'overlay'> | 'idle';
  tooltip: string;
  badge: number;
  /** Windows taskbar overlay: a red dot with an accessible description, or none. */
  overlay: string | null;
}

export function unreadPresentation(count: number, doNotDisturb: boolean, productName = 'Messenger'): UnreadPresentation {
  const unread = count > 0;
  const counted = count === 1 ? '1 unread message' : `${count > 9999 ? '9999+' : count} unread messages`;
  const parts = [productName];
  if (unread) parts.push(counted);
  if (doNotDisturb) parts.push('Do Not Disturb');
  let icon: UnreadPresentation['icon'] = 'idle';
  if (doNotDisturb) icon = unread ? 'dnd-unread' : 'dnd';
  else if (unread) icon = 'unread';
  return {
    icon,
    tooltip: parts.join(' — '),
    badge: count,
    overlay: unread ? counted : null,
  };
}

export interface IndicatorTargets<Image> {
  tray: () => { setImage(image: Image): void; setToolTip(text: string): void } | null;
  setBadgeCount: (count: number) => unknown;
  /** Windows only; null on other platforms or without a window. */
  overlay: () => { setOverlayIcon(image: Image | null, description: string): void } | null;
  image: (variant: UnreadPresentation['icon'] | 'overlay') => Image;
  /** Rebuilt so the tray menu's Do Not Disturb checkbox follows the setting. */
  refreshMenu: () => void;
}

export interface UnreadIndicator {
  setCount(count: number): void;
  setDoNotDisturb(on: boolean): void;
  state(): { count: number; doNotDisturb: boolean };
}

export function createUnreadIndicator<Image>(targets: IndicatorTargets<Image>, initialDnd: boolean): UnreadIndicator {
  let count = 0;
  let doNotDisturb = initialDnd;
  let lastIcon: string | null = null;

  function apply(): void {
    const p = unreadPresentation(count, doNotDisturb);
    const tray = targets.tray();
    if (tray) {
      // Swapping the image on every count change makes some Linux trays flicker; only swap when the variant changes.
      if (lastIcon !== p.icon) tray.setImage(targets.image(p.icon));
      tray.setToolTip(p.tooltip);
    }
    lastIcon = p.icon;
    targets.setBadgeCount(p.badge);
    targets.overlay()?.setOverlayIcon(p.overlay ? targets.image('overlay') : null, p.overlay ?? '');
  }

  return {
    setCount(n) {
      count = n;
      apply();
    },
    setDoNotDisturb(on) {
      doNotDisturb = on;
      apply();
      targets.refreshMenu();
    },
    state: () => ({ count, doNotDisturb }),
  };
}
