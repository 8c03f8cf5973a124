// The reaction picker: emoji-picker-element (search, recently used, skin tones, keyboard navigation), loaded only
// when first opened (React.lazy) so neither the code nor the emoji data weighs on the first load. The data is our
// own copy (a build asset from emoji-picker-element-data, fetched from the same origin: the CSP allows nothing else),
// in the reader's language; the element keeps it in IndexedDB after the first use.
import Picker from 'emoji-picker-element/picker';
import zhCN from 'emoji-picker-element/i18n/zh_CN';
import enData from 'emoji-picker-element-data/en/emojibase/data.json?url';
import zhData from 'emoji-picker-element-data/zh/emojibase/data.json?url';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/index.js';
import { selectTheme } from '../../store/selectors.js';

const WIDTH = 340;
const HEIGHT = 380;

export default function EmojiPicker({ anchor, onPick, onClose }: { anchor: DOMRect; onPick(emoji: string): void; onClose(): void }) {
  const { t, i18n } = useTranslation();
  const theme = useAppStore(selectTheme);
  const host = useRef<HTMLDivElement>(null);
  const pick = useRef(onPick);
  pick.current = onPick;
  const [picker, setPicker] = useState<Picker | null>(null);

  useLayoutEffect(() => {
    const zh = i18n.language.startsWith('zh');
    const el = new Picker({ dataSource: zh ? zhData : enData, locale: zh ? 'zh' : 'en', ...(zh ? { i18n: zhCN } : {}) });
    el.addEventListener('emoji-click', (e) => {
      if (e.detail.unicode) pick.current(e.detail.unicode);
    });
    host.current?.append(el);
    setPicker(el);
    return () => el.remove();
  }, [i18n.language]);

  useEffect(() => {
    picker?.classList.toggle('dark', theme === 'dark');
    picker?.classList.toggle('light', theme === 'light');
  }, [picker, theme]);

  // Focus the search box once the element has rendered; Escape or a click elsewhere closes.
  useEffect(() => {
    const focus = setTimeout(() => picker?.shadowRoot?.querySelector<HTMLInputElement>('input[type="search"]')?.focus(), 50);
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    const onDown = (e: MouseEvent) => {
      if (host.current && !e.composedPath().includes(host.current)) onClose();
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('mousedown', onDown);
    return () => {
      clearTimeout(focus);
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('mousedown', onDown);
    };
  }, [picker, onClose]);

  // Above the button when there is room, else below; always inside the window.
  const top = anchor.top > HEIGHT + 8 ? anchor.top - HEIGHT - 4 : Math.min(anchor.bottom + 4, window.innerHeight - HEIGHT - 4);
  const left = Math.max(4, Math.min(anchor.right - WIDTH, window.innerWidth - WIDTH - 4));
  return createPortal(
    <div
      ref={host}
      className="emoji-popover"
      role="dialog"
      aria-label={t('reactions.pick')}
      style={{ top: Math.max(4, top), left, width: WIDTH, height: HEIGHT }}
    />,
    document.body,
  );
}
