// A modal on the native <dialog>: the browser traps focus, Escape closes, focus returns where it was.
import { Icon } from '../Icon.js';
import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/index.js';

export function Dialog({ title, children, wide }: { title: string; children: ReactNode; wide?: boolean }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const close = useAppStore((s) => s.setDialog);
  useEffect(() => {
    const el = ref.current;
    if (el && !el.open) el.showModal?.();
  }, []);
  return (
    <dialog
      ref={ref}
      className={`dialog${wide ? ' wide' : ''}`}
      aria-label={title}
      onClose={() => close(null)}
      onCancel={() => close(null)}
    >
      <header className="dialog-head">
        <h2>{title}</h2>
        <button type="button" className="icon" aria-label={t('common.close')} onClick={() => close(null)}>
          <Icon name="x" />
        </button>
      </header>
      <div className="dialog-body">{children}</div>
    </dialog>
  );
}
