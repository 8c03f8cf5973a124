// Main process: what the unread count and Do Not Disturb look like in the tray, the dock/launcher badge and the
// Windows taskbar overlay. The decision is pure (unreadPresentation); the indicator applies it to injected objects.
import type { IconVariant } from './icon-art.js';
import { MAIN_STRINGS } from './i18n.js';
import type { MainStrings } from './i18n.js';

export interface UnreadPresentation {
  icon: Exclude<IconVariant, 'app' | 'overlay'> | 'idle';
  tooltip: string;
  badge: number;
  /** Windows taskbar overlay: a red dot with an accessible description, or none. */
  overlay: string | null;
  /** What the overlay dot shows: the count up to 9, then "9+". */
  overlayLabel: string | null;
}

export function overlayLabel(count: number): string | null {
  if (count <= 0) return null;
  return count > 9 ? '9+' : String(count);
}

export function unreadPresentation(
  count: number,
  doNotDisturb: boolean,
  productName = 'Messenger',
  strings: MainStrings = MAIN_STRINGS.en,
): UnreadPresentation {
  const unread = count > 0;
  const counted = strings.unread(count);
  const parts = [productName];
  if (unread) parts.push(counted);
  if (doNotDisturb) parts.push(strings.doNotDisturb);
  let icon: UnreadPresentation['icon'] = 'idle';
  if (doNotDisturb) icon = unread ? 'dnd-unread' : 'dnd';
  else if (unread) icon = 'unread';
  return {
    icon,
    tooltip: parts.join(' — '),
    badge: count,
    overlay: unread ? counted : null,
    overlayLabel: overlayLabel(count),
  };
}

export interface IndicatorTargets<Image> {
  tray: () => { setImage(image: Image): void; setToolTip(text: string): void } | null;
  setBadgeCount: (count: number) => unknown;
  /** Windows only; null on other platforms or without a window. */
  overlay: () => { setOverlayIcon(image: Image | null, description: string): void } | null;
  image: (variant: UnreadPresentation['icon']) => Image;
  /** The red overlay dot with this text drawn on it ("1".."9", "9+"). */
  overlayImage: (label: string) => Image;
  /** Rebuilt so the tray menu's Do Not Disturb checkbox follows the setting. */
  refreshMenu: () => void;
  /** The app's language now (main/i18n.ts); English when absent. */
  strings?: () => MainStrings;
}

export interface UnreadIndicator {
  setCount(count: number): void;
  setDoNotDisturb(on: boolean): void;
  /** The language changed: say the same again in the new one. */
  refresh(): void;
  state(): { count: number; doNotDisturb: boolean };
}

export function createUnreadIndicator<Image>(targets: IndicatorTargets<Image>, initialDnd: boolean): UnreadIndicator {
  let count = 0;
  let doNotDisturb = initialDnd;
  let lastIcon: string | null = null;

  function apply(): void {
    const p = unreadPresentation(count, doNotDisturb, 'Messenger', targets.strings?.());
    const tray = targets.tray();
    if (tray) {
      // Swapping the image on every count change makes some Linux trays flicker; only swap when the variant changes.
      if (lastIcon !== p.icon) tray.setImage(targets.image(p.icon));
      tray.setToolTip(p.tooltip);
    }
    lastIcon = p.icon;
    targets.setBadgeCount(p.badge);
    targets.overlay()?.setOverlayIcon(p.overlayLabel ? targets.overlayImage(p.overlayLabel) : null, p.overlay ?? '');
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
    refresh: apply,
    state: () => ({ count, doNotDisturb }),
  };
}
