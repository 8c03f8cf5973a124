// Reaction emoji: exactly one emoji grapheme, shared by server (validation) and clients (the picker's output).
// The regex is built at run time because the `v` flag (\p{RGI_Emoji}) is ES2024 syntax and our target is ES2023.
const EMOJI = new RegExp('^(?:\\p{RGI_Emoji}|\\p{Extended_Pictographic}\\uFE0F?)$', 'v');
const RGI = new RegExp('^\\p{RGI_Emoji}$', 'v');
const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/** Longest accepted emoji in UTF-16 code units (the longest RGI ZWJ sequences are well below this). */
export const EMOJI_MAX_LENGTH = 32;

/**
 * The canonical form of one emoji grapheme, or null when `value` is not exactly one emoji. A bare pictograph that
 * has an emoji-presentation form (U+2764 "❤") becomes that form ("❤️"), so two clients' hearts are one reaction.
 */
export function canonicalEmoji(value: string): string | null {
  if (value.length === 0 || value.length > EMOJI_MAX_LENGTH || !value.isWellFormed()) return null;
  const s = value.normalize('NFC');
  let count = 0;
  for (const _ of segmenter.segment(s)) if (++count > 1) return null;
  if (!EMOJI.test(s)) return null;
  if (!RGI.test(s) && RGI.test(`${s}\uFE0F`)) return `${s}\uFE0F`;
  return s;
}
