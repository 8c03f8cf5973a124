// Which names a message body mentions: one rule for the server (which stores the mentions) and the renderer
// (which highlights them). `@name` counts when it is not glued to a word, an address or another `@` before it,
// and not inside `inline code` or a ``` code block. `@room` is reserved: it means every member.
const CODE = /```[\s\S]*?(?:```|$)|`[^`\n]*`/g;
/** One `@name` (group 1: the name); the renderer highlights with the same pattern. */
export const MENTION = /(?<![\p{L}\p{N}_.@/])@([A-Za-z0-9_]{3,32})(?![A-Za-z0-9_])/gu;

export const ROOM_MENTION = 'room';

export interface MentionedNames {
  /** Lower-cased usernames, without `room`, each once. */
  names: string[];
  /** `@room` appeared. */
  room: boolean;
}

export function mentionedNames(body: string): MentionedNames {
  if (!body.includes('@')) return { names: [], room: false };
  const text = body.replace(CODE, ' ');
  const names = new Set<string>();
  let room = false;
  for (const match of text.matchAll(MENTION)) {
    const name = match[1]!.toLowerCase();
    if (name === ROOM_MENTION) room = true;
    else names.add(name);
  }
  return { names: [...names], room };
}
