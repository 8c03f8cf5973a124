// One preview rule for a message, shared by the server (notifications), the room list and desktop notifications.
import type { Message } from './types.js';

export interface PreviewLabels {
  image: string;
  file: string;
}

const ENGLISH: PreviewLabels = { image: '[image]', file: '[file]' };

/**
 * A one-line preview: the text for text messages; "[image]" (plus the caption) for images; "[file] name" (plus
 * the caption) for files. Clients pass their own language's labels. Recalled messages preview as "".
 */
export function messagePreview(
  m: Pick<Message, 'kind' | 'body' | 'attachment' | 'deletedAt'>,
  labels: PreviewLabels = ENGLISH,
  max = 140,
): string {
  if (m.deletedAt) return '';
  const body = m.body.replace(/\s+/g, ' ').trim();
  let text = body;
  if (m.kind === 'image') text = [labels.image, body].filter(Boolean).join(' ');
  else if (m.kind === 'file') text = [`${labels.file} ${m.attachment?.name ?? ''}`.trim(), body].filter(Boolean).join(' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
