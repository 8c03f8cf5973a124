// Main process: the right-click menu. Chromium underlines misspelled words but offers no menu of its own in
// Electron; this builds one from the context-menu params: spelling suggestions and "Add to dictionary", cut / copy /
// paste / select all in text fields, copy for selected text, copy link, copy image.
import type { ContextMenuParams, MenuItemConstructorOptions } from 'electron';

export type ContextParams = Pick<
  ContextMenuParams,
  'isEditable' | 'selectionText' | 'misspelledWord' | 'dictionarySuggestions' | 'linkURL' | 'mediaType' | 'x' | 'y'
> & { editFlags: Pick<ContextMenuParams['editFlags'], 'canCut' | 'canCopy' | 'canPaste' | 'canSelectAll'> };

export interface ContextActions {
  replaceMisspelling: (word: string) => void;
  addToDictionary: (word: string) => void;
  copyText: (text: string) => void;
  copyImageAt: (x: number, y: number) => void;
}

export const CONTEXT_LABELS = {
  noSuggestions: 'No suggestions',
  addToDictionary: 'Add to dictionary',
  cut: 'Cut',
  copy: 'Copy',
  paste: 'Paste',
  selectAll: 'Select all',
  copyLink: 'Copy link',
  copyImage: 'Copy image',
};
export type ContextLabels = typeof CONTEXT_LABELS;

const MAX_SUGGESTIONS = 5;

export function contextMenuTemplate(
  p: ContextParams,
  act: ContextActions,
  labels: ContextLabels = CONTEXT_LABELS,
): MenuItemConstructorOptions[] {
  const groups: MenuItemConstructorOptions[][] = [];
  if (p.isEditable && p.misspelledWord) {
    const suggestions = p.dictionarySuggestions.slice(0, MAX_SUGGESTIONS);
    groups.push([
      ...(suggestions.length > 0
        ? suggestions.map((word) => ({ label: word, click: () => act.replaceMisspelling(word) }))
        : [{ label: labels.noSuggestions, enabled: false }]),
      { label: labels.addToDictionary, click: () => act.addToDictionary(p.misspelledWord) },
    ]);
  }
  if (p.isEditable) {
    groups.push([
      { label: labels.cut, role: 'cut', enabled: p.editFlags.canCut },
      { label: labels.copy, role: 'copy', enabled: p.editFlags.canCopy },
      { label: labels.paste, role: 'paste', enabled: p.editFlags.canPaste },
      { label: labels.selectAll, role: 'selectAll', enabled: p.editFlags.canSelectAll },
    ]);
  } else if (p.selectionText.trim()) {
    groups.push([{ label: labels.copy, role: 'copy', enabled: p.editFlags.canCopy }]);
  }
  // Only links a user could open elsewhere; javascript: and the like are not worth copying.
  if (/^(https?|mailto):/i.test(p.linkURL)) groups.push([{ label: labels.copyLink, click: () => act.copyText(p.linkURL) }]);
  if (p.mediaType === 'image') groups.push([{ label: labels.copyImage, click: () => act.copyImageAt(p.x, p.y) }]);
  return groups.flatMap((g, i) => (i === 0 ? g : [{ type: 'separator' as const }, ...g]));
}
