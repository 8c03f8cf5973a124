// Getting in: server address (remembered), log in or register, inline validation from the shared zod schemas,
// server errors in words, and a plain sentence when a session has ended. The server's registration mode (GET
// /auth/config) decides whether "Create an account" is offered and whether it asks for an invite code; an invite
// link (`#/invite/<code>` or `?invite=<code>`) opens the form with the code filled in. With email on the server,
// "Forgot password?" asks for a reset link, and an unconfirmed address can ask for its confirmation link again.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { requestNotificationPermission } from '../desktop/web.js';
import { errorText } from '../lib/errors.js';
import { validate } from '../lib/validation.js';
import { useAppStore } from '../store/index.js';
import { selectSession } from '../store/selectors.js';
import { useController } from './context.js';
import type { AuthConfig } from '../../../protocol/admin.js';
import { EmailRequestPanel, type EmailRequestKind } from './account/EmailRequestPanel.js';

type Mode = 'login' | 'register';
/** Failures that are about the server address: shown under that field, not as a general error. */
const SERVER_ADDRESS_CODES = new Set([
  'CONNECT_BLOCKED',
  'SERVER_UNREACHABLE',
  'ORIGIN_REFUSED',
  'NOT_A_MESSENGER_SERVER',
  'NETWORK_ERROR',
]);
type Field = 'serverUrl' | 'login' | 'username' | 'email' | 'password' | 'displayName' | 'invite';

/** The invite code of an invite link the page was opened with, if any. */
function inviteFromLocation(): string {
  if (typeof window === 'undefined') return '';
  const fromHash = /^#\/invite\/([A-Za-z0-9_-]{1,64})$/.exec(window.location.hash)?.[1];
  const fromQuery = new URLSearchParams(window.location.search).get('invite');
  return fromHash ?? (fromQuery && /^[A-Za-z0-9_-]{1,64}$/.test(fromQuery) ? fromQuery : '');
}

/** The server's login-screen config; null while unknown (then everything is offered, and the server decides). */
type LoginConfig = Pick<AuthConfig, 'registration' | 'emailEnabled'>;

function useAuthConfig(serverUrl: string, valid: boolean): LoginConfig | null {
  const [config, setConfig] = useState<LoginConfig | null>(null);
  useEffect(() => {
    setConfig(null);
    if (!valid) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      fetch(`${serverUrl.replace(/\/+$/, '')}/api/auth/config`, { signal: abort.signal })
        .then((res) => (res.ok ? (res.json() as Promise<{ registration?: unknown; emailEnabled?: unknown }>) : null))
        .then((body) => {
          const r = body?.registration;
          if (r === 'open' || r === 'invite' || r === 'closed') setConfig({ registration: r, emailEnabled: body?.emailEnabled === true });
        })
        .catch(() => undefined);
    }, 300);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [serverUrl, valid]);
  return config;
}

export function LoginScreen() {
  const { t } = useTranslation();
  const controller = useController();
  const { endedReason } = useAppStore(selectSession);
  const [initialInvite] = useState(inviteFromLocation);
  const [mode, setMode] = useState<Mode>(initialInvite ? 'register' : 'login');
  const [values, setValues] = useState<Record<Field, string>>(() => ({
    invite: initialInvite,
    serverUrl: controller.loginDefaults.serverUrl,
    login: '',
    username: '',
    email: '',
    password: '',
    displayName: '',
  }));
  const [touched, setTouched] = useState<Partial<Record<Field, boolean>>>({});
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [addressError, setAddressError] = useState<string | null>(null);
  /** "Forgot password?" or "send the confirmation link again", shown instead of the form. */
  const [panel, setPanel] = useState<EmailRequestKind | null>(null);
  /** The account was made but must confirm its address first (EMAIL_VERIFICATION=required); or login said so. */
  const [unverified, setUnverified] = useState<{ email: string; justRegistered: boolean } | null>(null);
  const id = useId();

  const thisRunOnly = controller.loginDefaults.thisRunOnly;

  const authConfig = useAuthConfig(values.serverUrl, !validate(t, 'serverUrl', values.serverUrl));
  const registration = authConfig?.registration ?? null;
  const errors: Partial<Record<Field, string | null>> = {
    serverUrl: validate(t, 'serverUrl', values.serverUrl) ?? addressError,
    ...(mode === 'login'
      ? { login: values.login.trim() ? null : t('login.required'), password: values.password ? null : t('login.required') }
      : {
          username: validate(t, 'username', values.username),
          email: validate(t, 'email', values.email),
          password: validate(t, 'password', values.password),
          displayName: values.displayName ? validate(t, 'displayName', values.displayName) : null,
          invite: registration === 'invite' && !values.invite.trim() ? t('login.required') : null,
        }),
  };
  const fields: Field[] =
    mode === 'login' ? ['serverUrl', 'login', 'password'] : ['serverUrl', 'username', 'displayName', 'email', 'password', 'invite'];
  // A refusal from the server at that address does not make the form invalid: trying again is allowed.
  const valid = fields.every((f) => !errors[f] || (f === 'serverUrl' && errors[f] === addressError));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(Object.fromEntries(fields.map((f) => [f, true])));
    if (!valid || busy) return;
    setBusy(true);
    setServerError(null);
    setAddressError(null);
    setUnverified(null);
    if (controller.desktop.platform === 'web') requestNotificationPermission();
    const r = await controller.enter(
      mode === 'login'
        ? controller.desktop.login({ serverUrl: values.serverUrl, login: values.login, password: values.password })
        : controller.desktop.register({
            serverUrl: values.serverUrl,
            username: values.username,
            email: values.email,
            password: values.password,
            ...(values.displayName ? { displayName: values.displayName } : {}),
            ...(values.invite.trim() ? { invite: values.invite.trim() } : {}),
          }),
    );
    setBusy(false);
    if (!r.ok && SERVER_ADDRESS_CODES.has(r.error.code)) setAddressError(errorText(t, r.error));
    else if (!r.ok && r.error.code === 'VERIFICATION_REQUIRED') {
      // Registered: log in once the address is confirmed.
      setUnverified({ email: values.email.trim(), justRegistered: true });
      setMode('login');
      setValues((v) => ({ ...v, login: v.username, password: '' }));
      setTouched({});
    } else if (!r.ok && r.error.code === 'EMAIL_UNVERIFIED') {
      setUnverified({ email: values.login.includes('@') ? values.login.trim() : '', justRegistered: false });
      setServerError(errorText(t, r.error));
    } else if (!r.ok) setServerError(errorText(t, r.error));
  };

  const input = (f: Field, type = 'text', autoComplete = 'off', label = t(`login.${f}`)) => {
    const err = touched[f] ? errors[f] : null;
    return (
      <div className="field">
        <label htmlFor={`${id}-${f}`}>{label}</label>
        <input
          id={`${id}-${f}`}
          name={f}
          type={type}
          autoComplete={autoComplete}
          value={values[f]}
          aria-invalid={err ? true : undefined}
          aria-describedby={err ? `${id}-${f}-err` : undefined}
          onChange={(e) => {
            setValues({ ...values, [f]: e.target.value });
            if (f === 'serverUrl') setAddressError(null);
          }}
          onBlur={() => setTouched({ ...touched, [f]: true })}
        />
        {err && (
          <div className="field-error" id={`${id}-${f}-err`}>
            {err}
          </div>
        )}
      </div>
    );
  };

  if (panel) {
    return (
      <EmailRequestPanel
        kind={panel}
        serverUrl={values.serverUrl}
        initialEmail={panel === 'resend' ? (unverified?.email ?? '') : values.login.includes('@') ? values.login.trim() : ''}
        onBack={() => setPanel(null)}
      />
    );
  }

  return (
    <main className="login">
      <form className="login-card" onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id}-title`}>
        <div className="brand" aria-hidden="true">
          ◆
        </div>
        <h1 id={`${id}-title`}>{mode === 'login' ? t('login.titleLogin') : t('login.titleRegister')}</h1>
        {endedReason && endedReason !== 'logged-out' && (
          <p className="notice" role="alert">
            {t(`login.ended.${endedReason}`)}
          </p>
        )}
        {thisRunOnly && <p className="notice">{t('login.thisRunOnly')}</p>}
        {unverified?.justRegistered && (
          <p className="notice" role="status">
            {t('login.verificationSent', { email: unverified.email })}
          </p>
        )}
        {input('serverUrl', 'url', 'url')}
        {mode === 'login' ? (
          <>
            {input('login', 'text', 'username')}
            {input('password', 'password', 'current-password')}
          </>
        ) : (
          <>
            {input('username', 'text', 'username')}
            {input('displayName', 'text', 'name')}
            {input('email', 'email', 'email')}
            {input('password', 'password', 'new-password')}
            {registration !== 'closed' &&
              input('invite', 'text', 'off', registration === 'invite' ? t('login.invite') : t('login.inviteOptional'))}
            {registration === 'closed' && <p className="notice">{t('login.closed')}</p>}
          </>
        )}
        {serverError && (
          <p className="form-error" role="alert">
            {serverError}
          </p>
        )}
        <button type="submit" className="primary wide" disabled={busy}>
          {busy ? t('login.working') : mode === 'login' ? t('login.submitLogin') : t('login.submitRegister')}
        </button>
        {mode === 'login' && unverified && (
          <p className="switch-mode">
            <button type="button" className="link" onClick={() => setPanel('resend')}>
              {t('login.resend')}
            </button>
          </p>
        )}
        {mode === 'login' && authConfig?.emailEnabled && (
          <p className="switch-mode">
            <button type="button" className="link" onClick={() => setPanel('forgot')}>
              {t('login.forgot')}
            </button>
          </p>
        )}
        {(mode === 'register' || registration !== 'closed') && (
          <p className="switch-mode">
            {mode === 'login' ? t('login.noAccount') : t('login.haveAccount')}{' '}
            <button
              type="button"
              className="link"
              onClick={() => {
                setMode(mode === 'login' ? 'register' : 'login');
                setServerError(null);
                setTouched({});
              }}
            >
              {mode === 'login' ? t('login.toRegister') : t('login.toLogin')}
            </button>
          </p>
        )}
      </form>
    </main>
  );
}
