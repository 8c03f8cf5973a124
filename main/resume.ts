// Main process: tell the renderer to reconnect and catch up right away after sleep or a network change, instead of
// waiting for Socket.IO's back-off (a top complaint about desktop messengers: no messages after opening the lid).
import type { ResumeReason } from '../protocol/desktop.js';

export const RESUME_DEBOUNCE_MS = 2_000;
export const ONLINE_POLL_MS = 5_000;

export function createResumeSignal(deps: { send: (reason: ResumeReason) => void; now?: () => number; debounceMs?: number }) {
  const now = deps.now ?? Date.now;
  const debounceMs = deps.debounceMs ?? RESUME_DEBOUNCE_MS;
  let lastAt = -Infinity;
  let wasOnline: boolean | null = null;

  // resume, unlock-screen and the network coming back often fire together: one reconnect is enough.
  function fire(reason: ResumeReason): boolean {
    const t = now();
    if (t - lastAt < debounceMs) return false;
    lastAt = t;
    deps.send(reason);
    return true;
  }

  return {
    resumed: () => fire('resume'),
    /** Feed it net.isOnline() periodically; fires on an offline -> online edge only. */
    onlineState(online: boolean): boolean {
      const edge = wasOnline === false && online;
      wasOnline = online;
      return edge ? fire('online') : false;
    },
  };
}
