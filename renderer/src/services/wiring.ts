// Feeds realtime events into the store and turns them into the side effects the desktop owns: notifications and
// the unread badge. Kept apart from React so it can be tested with a fake realtime client and a fake desktop.
import type { DesktopApi } from '../../../protocol/desktop.js';
import type { Message } from '../../../protocol/types.js';
import { messagePreview } from '../../../protocol/preview.js';
import { shouldNotify } from '../notifications/policy.js';
import type { AppStore } from '../store/index.js';
import { selectRoomName, selectUnreadTotal } from '../store/selectors.js';
import type { RealtimeLike } from './realtime-types.js';

export interface WiringDeps {
  rt: RealtimeLike;
  store: AppStore;
  desktop: DesktopApi;
  now?: () => number;
  /** Whether the page is visible (document.visibilityState); a hidden window is not "looking at" a room. */
  isVisible?: () => boolean;
  /** Delay before a read marker goes out, so a burst of messages costs one request. */
  readDelayMs?: number;
}

export interface Wiring {
  /**
   * The user has seen the open room's messages up to `seq` (the list reports what is actually on screen). The read
   * marker follows, debounced, and only while the window is focused and visible.
   */
  markSeen(roomId: number, seq: number): void;
  /**
   * The user leaves a room's view. Messages that arrived while it was open were not counted as unread (it was in
   * front of the user); any they never scrolled to are unread after all, so the room's count is fetched anew.
   */
  leftRoom(roomId: number): void;
  dispose(): void;
}

/** Profiles asked for per request after a reconnect (the server's limit for GET /users?ids=). */
const PROFILE_BATCH = 100;

export function wireRealtime(deps: WiringDeps): Wiring {
  const { rt, store, desktop } = deps;
  const now = deps.now ?? Date.now;
  const isVisible = deps.isVisible ?? (() => true);
  const s = () => store.getState();
  const offs: (() => void)[] = [];
  let readTimer: ReturnType<typeof setTimeout> | undefined;
  // Per room, the newest seq the list has shown on screen; the read marker never runs ahead of it.
  const seenUpTo = new Map<number, number>();

  const viewing = (roomId: number) => s().ui.activeRoomId === roomId && s().ui.windowFocused && isVisible();

  const flushSeen = () => {
    const roomId = s().ui.activeRoomId;
    if (roomId === null || !viewing(roomId)) return;
    const room = s().rooms.byId[roomId];
    const seq = Math.min(seenUpTo.get(roomId) ?? 0, room?.lastSeq ?? 0);
    if (!room || seq <= room.lastReadSeq) return;
    // Optimistic: the count drops by the unread messages now seen (others', not system); the ack has the exact figure.
    const selfId = s().session.user?.id ?? 0;
    const seen = (s().messages.byRoom[roomId]?.items ?? []).filter(
      (m) => m.seq > room.lastReadSeq && m.seq <= seq && m.sender.id !== selfId && m.kind !== 'system',
    ).length;
    s().setRead(roomId, seq, seq >= room.lastSeq ? 0 : room.unreadCount - seen);
    rt.markRead(roomId, seq).then(
      (r) => s().setRead(roomId, r.lastReadSeq, r.unreadCount),
      () => undefined, // offline: the next view or reconnect marks it again
    );
  };
  const scheduleSeen = () => {
    clearTimeout(readTimer);
    readTimer = setTimeout(flushSeen, deps.readDelayMs ?? 150);
  };
  const markSeen = (roomId: number, seq: number) => {
    if (seq <= (seenUpTo.get(roomId) ?? 0)) return;
    seenUpTo.set(roomId, seq);
    scheduleSeen();
  };

  const refreshRooms = async () => {
    try {
      const rooms = await rt.api.rooms();
      s().setRooms(rooms);
      s().seedOnline(rooms.flatMap((r) => (r.peer ? [{ id: r.peer.id, online: r.peer.online }] : [])));
      // Profiles changed while we were away (no 'user:updated' reached us) come with the fresh list.
      s().usersSeen(rooms.flatMap((r) => [...(r.peer ? [r.peer] : []), ...(r.lastMessage ? [r.lastMessage.sender] : [])]));
      scheduleSeen();
    } catch {
      // Offline: the next ready retries.
    }
  };

  // When a 'user:updated' last arrived per user: a profile fetch that started before it must not undo it.
  const liveUpdateAt = new Map<number, number>();

  /**
   * After a reconnect: the current profiles of everyone the overlay holds (everyone on screen has passed through
   * it), so a rename missed while offline shows on older messages and member lists too, not only on fresh data.
   */
  const refreshProfiles = async () => {
    const ids = Object.keys(s().users.byId).map(Number);
    for (let i = 0; i < ids.length; i += PROFILE_BATCH) {
      const started = now();
      try {
        const fresh = await rt.api.usersByIds(ids.slice(i, i + PROFILE_BATCH));
        s().usersSeen(fresh.filter((u) => (liveUpdateAt.get(u.id) ?? -Infinity) < started));
      } catch {
        return; // Offline again: the next ready retries.
      }
    }
  };

  const fetchRoom = async (roomId: number) => {
    try {
      const room = await rt.api.room(roomId);
      if ('role' in room) s().upsertRoom(room);
    } catch {
      // Gone or not ours any more.
    }
  };

  const onMessage = (m: Message) => {
    const selfId = s().session.user?.id ?? 0;
    const known = s().rooms.byId[m.roomId];
    const isViewing = viewing(m.roomId);
    s().addMessages(m.roomId, [m]);
    s().usersSeen([m.sender]);
    if (known) s().roomMessage(m, { selfId, viewing: isViewing });
    else void fetchRoom(m.roomId);
    if (m.sender.id !== selfId) s().setTyping(m.roomId, m.sender.id, false, now());
    const ctx = {
      selfId,
      level: known ? (known.muted ? 'none' : known.notify) : 'all',
      isDirect: known?.kind === 'direct',
      doNotDisturb: s().ui.settings.doNotDisturb,
      activeRoomId: s().ui.activeRoomId,
      windowFocused: s().ui.windowFocused && isVisible(),
    } as const;
    if (shouldNotify({ roomId: m.roomId, senderId: m.sender.id, kind: m.kind, mentions: m.mentions }, ctx)) {
      void desktop.notify({
        roomId: m.roomId,
        roomName: selectRoomName(known)(s()).slice(0, 200),
        senderName: m.sender.displayName.slice(0, 200),
        body: messagePreview(m),
        isDirect: known?.kind === 'direct',
        mentionsMe: m.mentions.includes(selfId),
      });
    }
  };

  offs.push(
    rt.on('state', (state) => s().setConnection(state)),
    rt.on('ready', (ready) => {
      s().setUser(ready.user);
      void refreshRooms();
      void refreshProfiles();
    }),
    rt.on('message', onMessage),
    rt.on('message:updated', (m) => {
      s().addMessages(m.roomId, [m]);
      s().roomMessageUpdated(m);
      s().usersSeen([m.sender]);
    }),
    rt.on('outbox', (entries) => s().setOutbox(entries)),
    rt.on('room:created', (room) => {
      s().upsertRoom(room);
      if (room.peer) s().usersSeen([room.peer]);
      if (room.peer) s().setOnline(room.peer.id, room.peer.online);
    }),
    rt.on('room:updated', (room) => s().patchRoom(room)),
    rt.on('room:deleted', ({ roomId }) => roomWentAway(store, roomId, 'deleted')),
    rt.on('room:member-joined', ({ roomId, user }) => {
      s().setMemberCount(roomId, 1);
      s().setOnline(user.id, user.online);
      s().usersSeen([user]);
    }),
    rt.on('room:member-left', ({ roomId, userId }) => {
      if (userId === s().session.user?.id) roomWentAway(store, roomId, 'removed');
      else s().setMemberCount(roomId, -1);
    }),
    rt.on('room:member-updated', ({ roomId, userId, role }) => {
      if (userId === s().session.user?.id) s().setMyRole(roomId, role);
    }),
    rt.on('room:read', ({ roomId, userId, lastReadSeq }) => {
      if (userId !== s().session.user?.id) return;
      const room = s().rooms.byId[roomId];
      // Our own read coming back (set already when it was sent), or an older one: nothing new.
      if (!room || lastReadSeq <= room.lastReadSeq) return;
      // Read on another device: when that covers everything we know of, the count is zero; otherwise ask.
      if (lastReadSeq >= room.lastSeq) s().setRead(roomId, lastReadSeq, 0);
      else void fetchRoom(roomId);
    }),
    rt.on('typing', ({ roomId, userId, typing }) => {
      if (userId !== s().session.user?.id) s().setTyping(roomId, userId, typing, now());
    }),
    rt.on('presence', ({ userId, online }) => s().setOnline(userId, online)),
    // My notification level changed on another device.
    rt.on('room:settings', ({ roomId, notify }) => s().setNotify(roomId, notify)),
    rt.on('room:member-read', ({ roomId, userId, lastReadSeq }) => s().memberRead(roomId, userId, lastReadSeq)),
    rt.on('message:reactions', ({ roomId, messageId, reactions }) => s().setReactions(roomId, messageId, reactions)),
    // A name or avatar changed (mine too, from another device): the overlay every name and avatar is read through.
    rt.on('user:updated', (user) => {
      liveUpdateAt.set(user.id, now());
      s().userUpdated(user);
    }),
  );

  // The badge follows the unread total of unmuted rooms, sent only when it changes.
  let lastTotal = -1;
  const pushTotal = () => {
    const total = selectUnreadTotal(s());
    if (total === lastTotal) return;
    lastTotal = total;
    void desktop.setUnreadCount(total);
  };
  offs.push(store.subscribe(pushTotal));
  pushTotal();

  // Coming back to the window: what the list shows is now seen (opening a room alone is not: the list reports it).
  offs.push(
    store.subscribe((st, prev) => {
      if (st.ui.windowFocused && !prev.ui.windowFocused) scheduleSeen();
    }),
  );
  const onVisibility = () => {
    if (isVisible()) scheduleSeen();
  };
  if (typeof document !== 'undefined') {
    document.addEventListener('visibilitychange', onVisibility);
    offs.push(() => document.removeEventListener('visibilitychange', onVisibility));
  }
  const typingSweep = setInterval(() => s().expireTyping(now()), 1000);

  return {
    markSeen,
    leftRoom(roomId) {
      const room = s().rooms.byId[roomId];
      if (room && Math.max(room.lastReadSeq, seenUpTo.get(roomId) ?? 0) < room.lastSeq) void fetchRoom(roomId);
    },
    dispose() {
      clearTimeout(readTimer);
      clearInterval(typingSweep);
      for (const off of offs) off();
    },
  };
}

export function leaveRoomLocally(store: AppStore, roomId: number): void {
  const st = store.getState();
  // Removed first, so the router sees the room is gone and replaces its history entry instead of keeping it for Back.
  st.removeRoom(roomId);
  if (st.ui.activeRoomId === roomId) st.openRoom(null);
  st.dropRoomMessages(roomId);
}

/**
 * The room went away from elsewhere (deleted, or we were removed or left on another device). If it is open, it stays
 * the active route and the conversation pane says what happened, instead of the room silently vanishing.
 */
export function roomWentAway(store: AppStore, roomId: number, reason: 'deleted' | 'removed'): void {
  const st = store.getState();
  if (st.ui.activeRoomId !== roomId) return leaveRoomLocally(store, roomId);
  st.removeRoom(roomId);
  st.dropRoomMessages(roomId);
  st.setRoomGone({ roomId, reason });
}
