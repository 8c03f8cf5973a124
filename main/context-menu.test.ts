import { describe, expect, it, vi } from 'vitest';
import { contextMenuTemplate } from './context-menu.js';
import type { ContextParams } from './context-menu.js';

const base: ContextParams = {
  isEditable: false,
  selectionText: '',
  misspelledWord: '',
  dictionarySuggestions: [],
  linkURL: '',
  mediaType: 'none',
  x: 10,
  y: 20,
  editFlags: { canCut: false, canCopy: false, canPaste: true, canSelectAll: true },
};
const actions = () => ({ replaceMisspelling: vi.fn(), addToDictionary: vi.fn(), copyText: vi.fn(), copyImageAt: vi.fn() });

describe('context menu', () => {
  it('offers suggestions and Add to dictionary for a misspelled word, then the edit items', () => {
    const act = actions();
    const t = contextMenuTemplate({ ...base, isEditable: true, misspelledWord: 'helo', dictionarySuggestions: ['hello', 'help'] }, act);
    expect(t.map((i) => i.label ?? i.type)).toEqual([
      'hello',
      'help',
      'Add to dictionary',
      'separator',
      'Cut',
      'Copy',
      'Paste',
      'Select all',
    ]);
    t[0]?.click?.({} as never, undefined, {} as never);
    t[2]?.click?.({} as never, undefined, {} as never);
    expect(act.replaceMisspelling).toHaveBeenCalledWith('hello');
    expect(act.addToDictionary).toHaveBeenCalledWith('helo');
    expect(t.find((i) => i.label === 'Cut')?.enabled).toBe(false);
  });

  it('says when there are no suggestions', () => {
    const t = contextMenuTemplate({ ...base, isEditable: true, misspelledWord: 'qzxv' }, actions());
    expect(t[0]).toMatchObject({ label: 'No suggestions', enabled: false });
  });

  it('copies web links and images, never javascript: links, and shows nothing for a plain click', () => {
    const act = actions();
    const t = contextMenuTemplate({ ...base, linkURL: 'https://example.com/a', mediaType: 'image' }, act);
    expect(t.map((i) => i.label ?? i.type)).toEqual(['Copy link', 'separator', 'Copy image']);
    t[0]?.click?.({} as never, undefined, {} as never);
    t[2]?.click?.({} as never, undefined, {} as never);
    expect(act.copyText).toHaveBeenCalledWith('https://example.com/a');
    expect(act.copyImageAt).toHaveBeenCalledWith(10, 20);
    expect(contextMenuTemplate({ ...base, linkURL: 'javascript:alert(1)' }, act)).toEqual([]);
    expect(contextMenuTemplate({ ...base, selectionText: 'hi', editFlags: { ...base.editFlags, canCopy: true } }, act)).toEqual([
      { label: 'Copy', role: 'copy', enabled: true },
    ]);
  });
});
