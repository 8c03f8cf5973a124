// A modal on the native <dialog>: the browser traps focus, Escape closes, focus returns to the opener. The dialog is
// unmounted rather than closed, so the browser's own focus restoration never runs: we return focus ourselves.
// React's autoFocus fires while the <dialog> is still closed (display: none), so it does nothing, and showModal() then
// focuses the first focusable element, the Close button: keys typed right after opening were lost. The field meant to
// take the caret carries data-autofocus (beside autoFocus, which serves it outside a dialog) and is focused here.
import { Icon } from '../Icon.js';
import { useEffect, useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/index.js';

export function Dialog({ title, children, wide }: { title: string; children: ReactNode; wide?: boolean }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDialogElement>(null);
  const close = useAppStore((s) => s.setDialog);
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const el = ref.current;
    if (el && !el.open) {
      el.showModal?.();
      el.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    }
    return () => {
      if (opener?.isConnected) opener.focus();
    };
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
