// Pieces every tab of the admin area uses: the admin API of the signed-in session, a read-only value with a copy
// button (reset links, invite links), and errors kept per row so each one shows next to the action it concerns.
import { useId, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AdminApi } from '../../../../client/admin-api.js';
import { errorText } from '../../lib/errors.js';
import { useController } from '../context.js';

export function useAdminApi(): AdminApi {
  const controller = useController();
  const api = controller.api;
  return useMemo(() => new AdminApi(api), [api]);
}

/** Errors by row key: `run(key, action)` clears that row's error, runs the action and keeps its failure in words. */
export function useRowErrors() {
  const { t } = useTranslation();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const run = async (key: string, action: () => Promise<unknown>): Promise<boolean> => {
    setErrors(({ [key]: _gone, ...rest }) => rest);
    setBusy(key);
    try {
      await action();
      return true;
    } catch (err) {
      setErrors((e) => ({ ...e, [key]: errorText(t, err) }));
      return false;
    } finally {
      setBusy(null);
    }
  };
  return { errors, busy, run };
}

export function RowError({ text }: { text: string | undefined }) {
  if (!text) return null;
  return (
    <p className="form-error" role="alert">
      {text}
    </p>
  );
}

/** A value to hand over (a one-time link): shown in a read-only field, selected on focus, with a Copy button. */
export function CopyField({ label, value, hint }: { label: string; value: string; hint?: string }) {
  const { t } = useTranslation();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [copied, setCopied] = useState<boolean | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setCopied(true);
    } catch {
      // No clipboard permission (an insecure origin, a denied prompt): select it so Ctrl+C copies it.
      input.current?.select();
      setCopied(false);
    }
  };
  return (
    <div className="field copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input id={id} ref={input} readOnly value={value} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" className="small" onClick={() => void copy()}>
          {t('admin.copy')}
        </button>
      </div>
      {hint && <p className="hint">{hint}</p>}
      {copied !== null && (
        <p className={copied ? 'ok-text' : 'hint'} role="status">
          {copied ? t('admin.copied') : t('admin.copyManually')}
        </p>
      )}
    </div>
  );
}

/** Date and time in the UI language. */
export function useStamp(): (iso: string) => string {
  const { i18n } = useTranslation();
  return useMemo(() => {
    const f = new Intl.DateTimeFormat(i18n.language, { dateStyle: 'medium', timeStyle: 'short' });
    return (iso: string) => f.format(new Date(iso));
  }, [i18n.language]);
}
