// "Forgot password?" and "Send the confirmation link again": one email field, one request, one answer that says the
// same whether or not an account has the address (the server answers 202 either way).
import { useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiClient } from '../../../../client/api.js';
import { errorText } from '../../lib/errors.js';
import { validate } from '../../lib/validation.js';

export type EmailRequestKind = 'forgot' | 'resend';

export function EmailRequestPanel(props: { kind: EmailRequestKind; serverUrl: string; initialEmail: string; onBack: () => void }) {
  const { t } = useTranslation();
  const id = useId();
  const [email, setEmail] = useState(props.initialEmail);
  const [touched, setTouched] = useState(false);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const invalid = validate(t, 'email', email);
  const forgot = props.kind === 'forgot';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(true);
    if (invalid || busy) return;
    setBusy(true);
    setError(null);
    const api = new ApiClient({ serverUrl: props.serverUrl });
    try {
      if (forgot) await api.requestPasswordReset(email.trim());
      else await api.resendVerification(email.trim());
      setSent(true);
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <form className="login-card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-title`}>
        <div className="brand" aria-hidden="true">
          ◆
        </div>
        <h1 id={`${id}-title`}>{forgot ? t('account.forgotTitle') : t('account.resendTitle')}</h1>
        {sent ? (
          <p className="notice" role="status">
            {forgot ? t('account.forgotSent') : t('account.resendSent')}
          </p>
        ) : (
          <>
            <p>{forgot ? t('account.forgotIntro') : t('account.resendIntro')}</p>
            <div className="field">
              <label htmlFor={`${id}-email`}>{t('login.email')}</label>
              <input
                id={`${id}-email`}
                name="email"
                type="email"
                autoComplete="email"
                value={email}
                aria-invalid={touched && invalid ? true : undefined}
                aria-describedby={touched && invalid ? `${id}-email-err` : undefined}
                onChange={(e) => setEmail(e.target.value)}
                onBlur={() => setTouched(true)}
              />
              {touched && invalid && (
                <div className="field-error" id={`${id}-email-err`}>
                  {invalid}
                </div>
              )}
            </div>
            {error && (
              <p className="form-error" role="alert">
                {error}
              </p>
            )}
            <button type="submit" className="primary wide" disabled={busy}>
              {busy ? t('login.working') : forgot ? t('account.forgotSubmit') : t('account.resendSubmit')}
            </button>
          </>
        )}
        <p className="switch-mode">
          <button type="button" className="link" onClick={props.onBack}>
            {t('account.back')}
          </button>
        </p>
      </form>
    </main>
  );
}
