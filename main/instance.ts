// Main process: one running app per user. A second launch (a click on a messenger:// link, or the launcher again)
// hands its command line to the first one, which shows itself and opens the linked room.
import { parseDeepLink } from '../protocol/desktop.js';

export const PROTOCOL_SCHEME = 'messenger';

/** The first messenger:// room link among command-line arguments (Windows and Linux pass links this way). */
export function findDeepLink(argv: readonly string[]): { roomId: number } | null {
  for (const arg of argv) {
    if (!arg.toLowerCase().startsWith(`${PROTOCOL_SCHEME}://`)) continue;
    const link = parseDeepLink(arg);
    if (link) return link;
  }
  return null;
}

export interface InstanceDeps {
  requestSingleInstanceLock: () => boolean;
  quit: () => void;
  onSecondInstance: (listener: (argv: string[]) => void) => void;
  /** macOS delivers links through `open-url`, also before the app is ready. */
  onOpenUrl: (listener: (url: string) => void) => void;
  /** Bring the window to the front. */
  reveal: () => void;
  openRoom: (roomId: number) => void;
}

/** Returns false when another instance already runs: this one has passed on its arguments and is quitting. */
export function claimSingleInstance(deps: InstanceDeps, argv: readonly string[]): { primary: boolean; initialRoom: number | null } {
  if (!deps.requestSingleInstanceLock()) {
    deps.quit();
    return { primary: false, initialRoom: null };
  }
  deps.onSecondInstance((secondArgv) => {
    deps.reveal();
    const link = findDeepLink(secondArgv);
    if (link) deps.openRoom(link.roomId);
  });
  deps.onOpenUrl((url) => {
    deps.reveal();
    const link = parseDeepLink(url);
    if (link) deps.openRoom(link.roomId);
  });
  return { primary: true, initialRoom: findDeepLink(argv)?.roomId ?? null };
}

/**
 * Room links that arrive before the renderer listens (a cold start from a link) wait here and are delivered once
 * the page has loaded; later ones go straight through.
 */
export function createRoomRouter(send: (roomId: number) => void) {
  let ready = false;
  let pending: number | null = null;
  return {
    open(roomId: number) {
      if (ready) send(roomId);
      else pending = roomId;
    },
    rendererReady() {
      ready = true;
      if (pending !== null) send(pending);
      pending = null;
    },
    rendererGone() {
      ready = false;
    },
  };
}
