// Main process: native notifications. The renderer has already skipped muted rooms and the room in front of a focused
// window; this decides Do Not Disturb, previews and bursts, and routes clicks back to the room.
import type { z } from 'zod';
import type { NotifyArgs, NotifyOutcome } from '../protocol/desktop.js';
import { MAIN_STRINGS } from './i18n.js';
import type { MainStrings } from './i18n.js';

type NotifyPayload = z.output<typeof NotifyArgs>;

export interface NotificationLike {
  show(): void;
  close(): void;
  on(event: 'click', listener: () => void): unknown;
}

export interface NotificationOptions {
  title: string;
  body: string;
  /** Later messages of a burst replace the banner without another sound. */
  silent: boolean;
}

export interface Notifier {
  notify(input: NotifyPayload): NotifyOutcome;
  /** Drop every banner (Do Not Disturb switched on, logout). */
  closeAll(): void;
}

export const BURST_WINDOW_MS = 10_000;
const PREVIEW_MAX = 180;

interface RoomBurst {
  count: number;
  lastAt: number;
  notification: NotificationLike;
}

export function createNotifier(deps: {
  create: (opts: NotificationOptions) => NotificationLike;
  isSupported: () => boolean;
  settings: () => { doNotDisturb: boolean; showPreviews: boolean };
  onClick: (roomId: number) => void;
  now?: () => number;
  burstWindowMs?: number;
  /** The app's language now (main/i18n.ts); English when absent. */
  strings?: () => MainStrings;
}): Notifier {
  const now = deps.now ?? Date.now;
  const windowMs = deps.burstWindowMs ?? BURST_WINDOW_MS;
  // Holding the Notification object also keeps its click handler alive: a collected one no longer routes clicks.
  const bursts = new Map<number, RoomBurst>();

  function notify(input: NotifyPayload): NotifyOutcome {
    const { doNotDisturb, showPreviews } = deps.settings();
    if (doNotDisturb) return 'suppressed-dnd';
    if (!deps.isSupported()) return 'unsupported';

    const t = now();
    const previous = bursts.get(input.roomId);
    const inBurst = previous !== undefined && t - previous.lastAt <= windowMs;
    const count = inBurst ? previous.count + 1 : 1;
    const s = deps.strings?.() ?? MAIN_STRINGS.en;
    const content = count === 1 ? single(input, showPreviews, s) : coalesced(input, count, showPreviews, s);

    const notification = deps.create({ ...content, silent: inBurst });
    notification.on('click', () => {
      bursts.delete(input.roomId);
      deps.onClick(input.roomId);
    });
    previous?.notification.close();
    notification.show();
    bursts.set(input.roomId, { count, lastAt: t, notification });
    return inBurst ? 'coalesced' : 'shown';
  }

  function closeAll(): void {
    for (const burst of bursts.values()) burst.notification.close();
    bursts.clear();
  }

  return { notify, closeAll };
}

export function preview(body: string): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length > PREVIEW_MAX ? `${chars.slice(0, PREVIEW_MAX - 1).join('')}…` : flat;
}

function single(input: NotifyPayload, showPreviews: boolean, s: MainStrings): { title: string; body: string } {
  const title = input.isDirect ? input.senderName : s.inRoom(input.senderName, input.roomName);
  return { title, body: showPreviews ? preview(input.body) : s.newMessage };
}

function coalesced(input: NotifyPayload, count: number, showPreviews: boolean, s: MainStrings): { title: string; body: string } {
  const summary = input.isDirect ? s.burstFrom(count, input.senderName) : s.burstIn(count, input.roomName);
  const title = input.isDirect ? input.senderName : `#${input.roomName}`;
  const body = showPreviews ? `${summary}\n${input.senderName}: ${preview(input.body)}` : summary;
  return { title, body };
}
