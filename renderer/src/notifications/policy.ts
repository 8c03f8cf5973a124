// Whether a new message deserves a desktop notification. Pure, so every rule is pinned by a unit test.
export interface NotifyContext {
  selfId: number;
  /** The room is in the user's list and muted. */
  roomMuted: boolean;
  doNotDisturb: boolean;
  activeRoomId: number | null;
  windowFocused: boolean;
}

export interface NotifyCandidate {
  roomId: number;
  senderId: number;
  kind: string;
}

export function shouldNotify(m: NotifyCandidate, ctx: NotifyContext): boolean {
  if (m.senderId === ctx.selfId) return false; // your own message (another device of yours included)
  if (m.kind === 'system') return false; // joins and leaves are not worth a ping
  if (ctx.roomMuted) return false;
  if (ctx.doNotDisturb) return false;
  // Looking at it already: the message is on screen.
  if (ctx.windowFocused && ctx.activeRoomId === m.roomId) return false;
  return true;
}
