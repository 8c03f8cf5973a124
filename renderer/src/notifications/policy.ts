// Whether a new message deserves a desktop notification. Pure, so every rule is pinned by a unit test.
import type { NotifyLevel } from '../../../protocol/types.js';

export interface NotifyContext {
  selfId: number;
  /** The room's notification level (MyRoom.notify; `none` is what used to be "muted"). */
  level: NotifyLevel;
  /** A direct room: in a `mentions` room every message is addressed to you. */
  isDirect: boolean;
  doNotDisturb: boolean;
  activeRoomId: number | null;
  windowFocused: boolean;
}

export interface NotifyCandidate {
  roomId: number;
  senderId: number;
  kind: string;
  /** Ids of the users the message mentions (`@room` already expanded by the server). */
  mentions: readonly number[];
}

export function shouldNotify(m: NotifyCandidate, ctx: NotifyContext): boolean {
  if (m.senderId === ctx.selfId) return false; // your own message (another device of yours included)
  if (m.kind === 'system') return false; // joins and leaves are not worth a ping
  if (ctx.doNotDisturb) return false; // silences everything, mentions included
  if (ctx.level === 'none') return false;
  if (ctx.level === 'mentions' && !ctx.isDirect && !m.mentions.includes(ctx.selfId)) return false;
  // Looking at it already: the message is on screen.
  if (ctx.windowFocused && ctx.activeRoomId === m.roomId) return false;
  return true;
}
