// Whether a message is only a few emoji (shown larger, as chat apps do). Pure, so the rule is pinned by tests.

/** Everything that may take part in an emoji sequence: pictographs, flags, joiners, selectors, tones, keycaps, tags. */
const EMOJI_PART = /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u200d|\ufe0f|\u20e3|[\u{1F3FB}-\u{1F3FF}]|[\u{E0020}-\u{E007F}]/gu;
const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

/** At most this many emoji count as "emoji only"; a longer row of them reads better at the normal size. */
export const EMOJI_ONLY_MAX = 8;

const segmenter = typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

export function isEmojiOnly(body: string): boolean {
  const text = body.trim();
  if (text === '' || text.length > 80 || !PICTOGRAPH.test(text)) return false;
  // Anything left once every emoji part and space is removed (a letter, a digit, punctuation) means it is text.
  if (text.replace(EMOJI_PART, '').replace(/\s+/g, '') !== '') return false;
  const graphemes = segmenter ? [...segmenter.segment(text.replace(/\s+/g, ''))].length : Array.from(text).length;
  return graphemes <= EMOJI_ONLY_MAX;
}
