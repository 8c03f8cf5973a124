// The @-autocomplete's rules, pure so they are pinned by unit tests: which word is being typed, who matches it
// (members only, online first, then the closest match), and the text after a pick.
import type { Member, Role } from '../../../../protocol/types.js';

export const MENTION_SUGGESTIONS = 8;

/** The `@query` the caret is in (the `@` starts the text or follows a space), or null. */
export function mentionQuery(text: string, caret: number): { start: number; query: string } | null {
  const m = /(^|\s)@([A-Za-z0-9_]{0,32})$/.exec(text.slice(0, caret));
  if (!m) return null;
  return { start: caret - m[2]!.length - 1, query: m[2]! };
}

export type Suggestion = { kind: 'room' } | { kind: 'user'; userId: number; username: string; displayName: string; online: boolean };

export function suggestMentions(
  query: string,
  members: readonly Member[],
  opts: { selfId: number; role: Role | undefined; group: boolean; online: (userId: number, fallback: boolean) => boolean },
): Suggestion[] {
  const q = query.toLowerCase();
  const scored: { s: Suggestion & { kind: 'user' }; rank: number }[] = [];
  for (const m of members) {
    if (m.user.id === opts.selfId) continue;
    const username = m.user.username.toLowerCase();
    const name = m.user.displayName.toLowerCase();
    const rank = username.startsWith(q) ? 0 : name.startsWith(q) ? 1 : username.includes(q) || name.includes(q) ? 2 : -1;
    if (rank < 0) continue;
    const online = opts.online(m.user.id, m.user.online);
    scored.push({ s: { kind: 'user', userId: m.user.id, username: m.user.username, displayName: m.user.displayName, online }, rank });
  }
  scored.sort((a, b) => Number(b.s.online) - Number(a.s.online) || a.rank - b.rank || a.s.displayName.localeCompare(b.s.displayName));
  const users: Suggestion[] = scored.slice(0, MENTION_SUGGESTIONS).map((x) => x.s);
  // @room notifies everyone: offered only to those the server lets use it (owner/admin of a group).
  const mayRoom = opts.group && (opts.role === 'owner' || opts.role === 'admin') && 'room'.startsWith(q);
  return mayRoom ? [...users, { kind: 'room' }] : users;
}

/** The text with `@query` at `start` replaced by the pick, and where the caret goes. */
export function applyMention(text: string, start: number, caret: number, pick: Suggestion): { text: string; caret: number } {
  const insert = `@${pick.kind === 'room' ? 'room' : pick.username} `;
  const rest = text.slice(caret).replace(/^ /, '');
  return { text: text.slice(0, start) + insert + rest, caret: start + insert.length };
}
