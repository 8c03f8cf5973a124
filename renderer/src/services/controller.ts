// The app's actions: session start/stop, and everything the UI asks of the server. Components call these; the
// store is only ever changed through its slice actions.
import { RealtimeClient } from '../../../client/realtime.js';
import { isSessionEndCode } from '../../../protocol/errors.js';
import type { DesktopApi, DesktopResult, DesktopSession, DesktopSettingsPatch, SessionEndReason } from '../../../protocol/desktop.js';
import type { Message, MyRoom, NotifyLevel, Role, Visibility } from '../../../protocol/types.js';
import type { AppStore } from '../store/index.js';
import { selectRoomList } from '../store/selectors.js';
import { AttachmentsService } from './attachments.js';
import { preloadRichText } from '../components/room/RichText.js';
import { localOutboxStore } from './outbox-store.js';
import { navigate, roomRoute } from './router.js';
import type { RealtimeLike } from './realtime-types.js';
import { leaveRoomLocally, wireRealtime, type Wiring } from './wiring.js';

export type RealtimeFactory = (opts: {
  serverUrl: string;
  userId: number;
  getAccessToken: (force?: boolean) => Promise<string | null>;
}) => RealtimeLike;

const defaultFactory: RealtimeFactory = ({ serverUrl, userId, getAccessToken }) =>
  new RealtimeClient({ serverUrl, getAccessToken, outboxStore: localOutboxStore(serverUrl, userId) });

export class AppController {
  rt: RealtimeLike | null = null;
  private wiring: Wiring | null = null;
  private readonly offs: (() => void)[] = [];
  readonly files: AttachmentsService;
  /**
   * What the login screen starts with: the address last signed in to, and whether a session can be kept (false
   * when the system has no secure storage). Read while the app starts, so the form is filled in its first paint.
   */
  loginDefaults = { serverUrl: '', thisRunOnly: false };

  constructor(
    readonly store: AppStore,
    readonly desktop: DesktopApi,
    private readonly makeRealtime: RealtimeFactory = defaultFactory,
  ) {
    this.files = new AttachmentsService(
      store,
      () => this.rt?.api ?? null,
      (roomId, body, opts) => this.rt?.send(roomId, body, opts),
    );
  }

  private get s() {
    return this.store.getState();
  }

  /** Restore a stored session (no login screen when there is one) and subscribe to the desktop's events. */
  async start(): Promise<void> {
    this.offs.push(
      this.desktop.onSessionEnded((reason) => this.end(reason)),
      this.desktop.onResume(() => this.rt?.reconnectNow()),
      // Notification clicks and messenger:// links go through the router like any link (and wait for sign-in).
      this.desktop.onOpenRoom((roomId) => navigate(roomRoute(roomId))),
      this.desktop.onSettingsChanged((settings) => this.s.setSettings(settings)),
    );
    const [settings] = await Promise.all([this.desktop.getSettings(), this.loadLoginDefaults()]);
    if (settings.ok) this.s.setSettings(settings.value);
    const restored = await this.desktop.restoreSession();
    if (restored.ok && restored.value) this.begin(restored.value);
    else if (!restored.ok && isSessionEndCode(restored.error.code)) this.s.signedOut(restored.error.code);
    else this.s.signedOut(null);
  }

  /** The address last signed in to and how a session is kept, for the login screen's first paint. */
  async loadLoginDefaults(): Promise<void> {
    const [serverUrl, persistence] = await Promise.all([this.desktop.getServerUrl(), this.desktop.sessionPersistence()]);
    this.loginDefaults = {
      serverUrl: serverUrl.ok ? (serverUrl.value ?? '') : '',
      thisRunOnly: persistence.ok && persistence.value === 'this-run-only',
    };
  }

  /** Login or register result -> running app; the error is the caller's to show. */
  async enter(result: Promise<DesktopResult<DesktopSession>>): Promise<DesktopResult<DesktopSession>> {
    const r = await result;
    if (r.ok) this.begin(r.value);
    return r;
  }

  private begin(session: DesktopSession): void {
    void preloadRichText(); // the Markdown parser's chunk, fetched while the rooms load
    this.stopRealtime();
    // Signing out later shows the login screen with this address. (How sessions can be kept is the system's, read
    // at start: one session kept for this run only, such as the web client's with another server, does not change it.)
    this.loginDefaults = { ...this.loginDefaults, serverUrl: session.serverUrl };
    this.s.signedIn(session);
    const rt = this.makeRealtime({
      serverUrl: session.serverUrl,
      userId: session.user.id,
      getAccessToken: async (force) => {
        const r = await this.desktop.getAccessToken(force ? { forceRefresh: true } : undefined);
        if (r.ok) return r.value.accessToken;
        if (isSessionEndCode(r.error.code)) this.end(r.error.code);
        else if (r.error.code === 'NOT_LOGGED_IN') this.end('SESSION_EXPIRED');
        return null;
      },
    });
    this.rt = rt;
    this.wiring = wireRealtime({ rt, store: this.store, desktop: this.desktop, isVisible: () => document.visibilityState === 'visible' });
    // Uploads that failed while offline go again once the connection is back.
    this.offs.push(rt.on('state', (state) => state === 'online' && this.files.retryOffline()));
    this.offs.push(rt.on('session:ended', ({ code }) => this.end(code)));
    this.s.setOutbox(rt.outbox());
    rt.connect();
  }

  private stopRealtime(): void {
    this.wiring?.dispose();
    this.wiring = null;
    this.rt?.close();
    this.rt = null;
  }

  /** The session died (expired, revoked elsewhere): stop, and say so on the login screen. */
  end(reason: SessionEndReason): void {
    if (this.s.session.status !== 'signed-in') return;
    this.stopRealtime();
    this.s.signedOut(reason);
    this.reset();
  }

  async logout(): Promise<void> {
    this.stopRealtime();
    await this.desktop.logout();
    this.s.signedOut(null);
    this.reset();
  }

  /** My account was deleted (I asked for it): stop, forget the stored session, and say so on the login screen. */
  async accountDeleted(): Promise<void> {
    this.stopRealtime();
    await this.desktop.logout();
    this.s.signedOut('ACCOUNT_DELETED');
    this.reset();
  }

  private reset(): void {
    this.s.setRooms([]);
    this.s.openRoom(null);
    this.s.setOutbox([]);
    this.s.resetUsers();
    this.files.clear();
    for (const id of Object.keys(this.s.messages.byRoom)) this.s.dropRoomMessages(Number(id));
  }

  get api() {
    if (!this.rt) throw new Error('not signed in');
    return this.rt.api;
  }

  // ---------- rooms ----------
  /** Opens a room (at its newest, or its first unread message); it forgets a message an earlier opening was at. */
  openRoom(roomId: number | null): Promise<void> {
    this.s.setHighlight(null);
    return this.show(roomId);
  }

  /** Makes the room the open one and loads its newest page if it has none. */
  private async show(roomId: number | null): Promise<void> {
    this.s.openRoom(roomId);
    this.s.setPanel(null);
    if (roomId === null || !this.rt) return;
    const t = this.s.messages.byRoom[roomId];
    if (t?.initialised) return;
    try {
      const page = await this.rt.api.history(roomId);
      this.s.setLatestPage(roomId, page.messages);
      this.s.usersSeen(page.messages.map((m) => m.sender));
    } catch {
      // Offline: the list shows what we have; the next open tries again.
    }
  }

  /** Move to the previous/next room in list order (keyboard: Alt+Up / Alt+Down). */
  openAdjacentRoom(delta: 1 | -1): void {
    const list = selectRoomList(this.s);
    const i = list.findIndex((r) => r.id === this.s.ui.activeRoomId);
    const next = list[Math.min(list.length - 1, Math.max(0, i + delta))];
    if (next) void this.openRoom(next.id);
  }

  async loadOlder(roomId: number): Promise<void> {
    const t = this.s.messages.byRoom[roomId];
    if (!this.rt || !t || t.loadingBefore || !t.hasMoreBefore || !t.items[0]) return;
    this.s.setLoadingBefore(roomId, true);
    try {
      const page = await this.rt.api.history(roomId, { before: t.items[0].seq, limit: 100 });
      this.s.addOlderPage(roomId, page.messages);
    } catch {
      this.s.setLoadingBefore(roomId, false);
    }
  }

  /**
   * Opens a room at one message (a search result): the page around it (around=), joined to what the room already
   * holds by older pages, so the loaded history stays one run of seqs up to the newest; the list then scrolls to
   * the message and marks it.
   */
  async openAt(roomId: number, seq: number): Promise<void> {
    await this.show(roomId);
    const rt = this.rt;
    const first = () => this.s.messages.byRoom[roomId]?.items[0]?.seq;
    if (rt && (first() === undefined || first()! > seq)) {
      try {
        const around = await rt.api.history(roomId, { around: seq, limit: 50 });
        const end = around.messages[around.messages.length - 1]?.seq ?? seq;
        for (let pages = 0; pages < 50; pages++) {
          const held = first();
          if (held === undefined || held <= end + 1) break;
          this.s.addOlderPage(roomId, (await rt.api.history(roomId, { before: held, limit: 100 })).messages);
        }
        this.s.addMessages(roomId, around.messages);
        this.s.usersSeen(around.messages.map((m) => m.sender));
      } catch {
        // Offline: the room opens where it is.
      }
    }
    // Marked once it is loaded: the list brings it into view, highlights and focuses it.
    this.s.setHighlight({ roomId, seq });
  }

  /** The list has shown the room's messages up to `seq`: the read marker may move there. */
  markSeen(roomId: number, seq: number): void {
    this.wiring?.markSeen(roomId, seq);
  }

  /** The room's view closes (another room opened, or none). */
  leftRoom(roomId: number): void {
    this.wiring?.leftRoom(roomId);
  }

  /**
   * Page older history in until `seq` is loaded (the first unread message, the original of a reply), at most
   * `maxPages` pages of 100. True when it is loaded.
   */
  async loadBackTo(roomId: number, seq: number, maxPages = Infinity): Promise<boolean> {
    for (let page = 0; ; page += 1) {
      const t = this.s.messages.byRoom[roomId];
      const first = t?.items[0]?.seq;
      if (first === undefined) return false;
      if (first <= seq) return true;
      if (!t!.hasMoreBefore || page >= maxPages) return false;
      if (t!.loadingBefore) await new Promise((r) => setTimeout(r, 50));
      else await this.loadOlder(roomId);
      // A failed page leaves loadingBefore false and the first seq unchanged: stop rather than spin.
      if (this.s.messages.byRoom[roomId]?.items[0]?.seq === first && !this.s.messages.byRoom[roomId]?.loadingBefore) return false;
    }
  }

  /**
   * Closes the open dialog and opens the room, in the same render: while a modal dialog is open the page behind it is
   * inert, so a room opened under it could not give its composer the focus, and the dialog on closing handed the
   * focus back to the button that opened it. Creating, opening a direct room and joining only list the room, so the
   * dialog that asked closes as soon as the server has answered, not once the room's history has loaded.
   */
  openFromDialog(roomId: number): void {
    this.s.setDialog(null);
    void this.openRoom(roomId);
  }

  /** Creates a room and lists it; the caller opens it (openFromDialog). */
  async createRoom(input: { name: string; description: string; visibility: Visibility; memberIds: number[] }): Promise<MyRoom> {
    const room = await this.api.createRoom(input);
    this.s.upsertRoom(room);
    return room;
  }

  /** The direct room with this person (made if there is none yet), in the room list; returns its id for the caller to open. */
  async openDirect(userId: number): Promise<number> {
    const room = await this.api.openDirect(userId);
    this.s.upsertRoom(room);
    if (room.peer) this.s.setOnline(room.peer.id, room.peer.online);
    return room.id;
  }

  /** Joins a public room and puts it in the room list; the caller opens it. */
  async join(roomId: number): Promise<void> {
    const room = await this.api.join(roomId);
    this.s.upsertRoom(room);
  }

  async leave(roomId: number): Promise<void> {
    await this.api.leave(roomId);
    leaveRoomLocally(this.store, roomId);
  }

  async deleteRoom(roomId: number): Promise<void> {
    await this.api.deleteRoom(roomId);
    leaveRoomLocally(this.store, roomId);
  }

  async setMuted(roomId: number, muted: boolean): Promise<void> {
    this.s.setMuted(roomId, muted);
    try {
      this.s.upsertRoom(await this.api.setMuted(roomId, muted));
    } catch (err) {
      this.s.setMuted(roomId, !muted);
      throw err;
    }
  }

  /** Notification level (all / mentions / none); optimistic, undone when the server refuses. */
  async setNotify(roomId: number, notify: NotifyLevel): Promise<void> {
    const before = this.s.rooms.byId[roomId]?.notify ?? 'all';
    this.s.setNotify(roomId, notify);
    try {
      this.s.upsertRoom(await this.api.setNotify(roomId, notify));
    } catch (err) {
      this.s.setNotify(roomId, before);
      throw err;
    }
  }

  /** Add or remove my reaction; the answer (and message:reactions for everyone) carries the whole list. */
  async react(roomId: number, messageId: number, emoji: string, on: boolean): Promise<void> {
    if (!this.rt) return;
    this.s.setReactions(roomId, messageId, await this.rt.react(messageId, emoji, on));
  }

  /** Read markers of the room's members (for "Seen"), from a fresh member list. */
  seedReceipts(roomId: number, members: readonly { user: { id: number }; lastReadSeq: number }[]): void {
    this.s.setReceipts(
      roomId,
      members.map((m) => ({ userId: m.user.id, lastReadSeq: m.lastReadSeq })),
    );
  }

  async updateRoom(roomId: number, patch: { name?: string; description?: string; visibility?: Visibility }): Promise<void> {
    this.s.patchRoom(await this.api.updateRoom(roomId, patch));
  }

  /** Owner only. 'owner' hands the room over: the server makes the old owner an admin, and so do we at once. */
  async setMemberRole(roomId: number, userId: number, role: Role): Promise<void> {
    await this.api.setMemberRole(roomId, userId, role);
    if (role === 'owner') this.s.setMyRole(roomId, 'admin');
  }

  // ---------- messages ----------
  send(roomId: number, body: string, replyToId: number | null): void {
    this.rt?.send(roomId, body, { replyToId });
  }

  async edit(messageId: number, body: string): Promise<void> {
    if (!this.rt) return;
    const m = await this.rt.edit(messageId, body);
    this.applyUpdated(m);
  }

  async recall(messageId: number): Promise<void> {
    if (!this.rt) return;
    this.applyUpdated(await this.rt.recall(messageId));
  }

  private applyUpdated(m: Message): void {
    this.s.addMessages(m.roomId, [m]);
    this.s.roomMessageUpdated(m);
  }

  async setSettings(patch: DesktopSettingsPatch): Promise<void> {
    const r = await this.desktop.setSettings(patch);
    if (r.ok) this.s.setSettings(r.value);
  }

  dispose(): void {
    this.stopRealtime();
    for (const off of this.offs) off();
  }
}
