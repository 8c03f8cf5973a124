// `#/reset-password/<token>`: the page a one-time reset link opens (an administrator's, or an emailed one). A new
// password twice, then POST /auth/password-reset; on success it says so and leads to the login screen. An unknown,
// used or expired link says RESET_LINK_INVALID in words.
import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiClient } from '../../../client/api.js';
import { errorText } from '../lib/errors.js';
import { validate } from '../lib/validation.js';
import { useController } from './context.js';

const RESET_PATH = /^#\/reset-password\/([^/?#]*)$/;
const TOKEN = /^[A-Za-z0-9_-]{1,128}$/;

/** The token of a reset link the page shows, or null when the address is not a reset link. */
export function resetTokenOf(hash: string): string | null {
  const m = RESET_PATH.exec(hash);
  return m ? decodeURIComponent(m[1] ?? '') : null;
}

/** The reset token in the address bar, following hash changes. */
export function useResetToken(): string | null {
  const [token, setToken] = useState(() => resetTokenOf(window.location.hash));
  useEffect(() => {
    const update = () => setToken(resetTokenOf(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return token;
}

export function ResetPasswordScreen({ token }: { token: string }) {
  const { t } = useTranslation();
  const controller = useController();
  const id = useId();
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [submitted, setSubmitted] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(TOKEN.test(token) ? null : t('errors.RESET_LINK_INVALID'));
  const toLogin = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (done) toLogin.current?.focus();
  }, [done]);

  // A link opened in a browser is for the server that served this page; the desktop app asks its own server.
  const serverOfLink = async () => {
    if (controller.desktop.platform === 'web') return window.location.origin;
    const r = await controller.desktop.getServerUrl();
    return r.ok && r.value ? r.value : window.location.origin;
  };

  const passwordErr = password || submitted ? validate(t, 'password', password) : null;
  const confirmErr = (confirm || submitted) && confirm !== password ? t('reset.mismatch') : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSubmitted(true);
    if (busy || !TOKEN.test(token) || validate(t, 'password', password) || confirm !== password) return;
    setBusy(true);
    setError(null);
    const serverUrl = await serverOfLink();
    try {
      await new ApiClient({ serverUrl }).resetPassword(token, password);
      setDone(true);
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };
  const leave = () => {
    window.location.hash = '#/';
  };

  return (
    <main className="login">
      <form className="login-card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-title`}>
        <div className="brand" aria-hidden="true">
          ◆
        </div>
        <h1 id={`${id}-title`}>{t('reset.title')}</h1>
        {done ? (
          <>
            <p className="notice" role="status">
              {t('reset.done')}
            </p>
            <button ref={toLogin} type="button" className="primary wide" onClick={leave}>
              {t('reset.toLogin')}
            </button>
          </>
        ) : (
          <>
            <div className="field">
              <label htmlFor={`${id}-pw`}>{t('reset.password')}</label>
              <input
                id={`${id}-pw`}
                type="password"
                autoComplete="new-password"
                value={password}
                onChange={(e) => setPassword(e.target.value)}
                aria-invalid={passwordErr ? true : undefined}
                aria-describedby={passwordErr ? `${id}-pw-err` : undefined}
              />
              {passwordErr && (
                <div className="field-error" id={`${id}-pw-err`}>
                  {passwordErr}
                </div>
              )}
            </div>
            <div className="field">
              <label htmlFor={`${id}-confirm`}>{t('reset.confirm')}</label>
              <input
                id={`${id}-confirm`}
                type="password"
                autoComplete="new-password"
                value={confirm}
                onChange={(e) => setConfirm(e.target.value)}
                aria-invalid={confirmErr ? true : undefined}
                aria-describedby={confirmErr ? `${id}-confirm-err` : undefined}
              />
              {confirmErr && (
                <div className="field-error" id={`${id}-confirm-err`}>
                  {confirmErr}
                </div>
              )}
            </div>
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" className="primary wide" disabled={busy}>
              {busy ? t('login.working') : t('reset.submit')}
            </button>
            <p className="switch-mode">
              <button type="button" className="link" onClick={leave}>
                {t('reset.toLogin')}
              </button>
            </p>
          </>
        )}
      </form>
    </main>
  );
}
