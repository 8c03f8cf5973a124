// Getting in: server address (remembered), log in or register, inline validation from the shared zod schemas,
// server errors in words, and a plain sentence when a session has ended.
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { requestNotificationPermission } from '../desktop/web.js';
import { errorText } from '../lib/errors.js';
import { validate } from '../lib/validation.js';
import { useAppStore } from '../store/index.js';
import { selectSession } from '../store/selectors.js';
import { useController } from './context.js';

type Mode = 'login' | 'register';
/** Failures that are about the server address: shown under that field, not as a general error. */
const SERVER_ADDRESS_CODES = new Set([
  'CONNECT_BLOCKED',
  'SERVER_UNREACHABLE',
  'ORIGIN_REFUSED',
  'NOT_A_MESSENGER_SERVER',
  'NETWORK_ERROR',
]);
type Field = 'serverUrl' | 'login' | 'username' | 'email' | 'password' | 'displayName';

export function LoginScreen() {
  const { t } = useTranslation();
  const controller = useController();
  const { endedReason } = useAppStore(selectSession);
  const [mode, setMode] = useState<Mode>('login');
  const [values, setValues] = useState<Record<Field, string>>({
    serverUrl: '',
    login: '',
    username: '',
    email: '',
    password: '',
    displayName: '',
  });
  const [touched, setTouched] = useState<Partial<Record<Field, boolean>>>({});
  const [busy, setBusy] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [addressError, setAddressError] = useState<string | null>(null);
  const id = useId();

  const [thisRunOnly, setThisRunOnly] = useState(false);
  useEffect(() => {
    void controller.desktop.sessionPersistence().then((r) => setThisRunOnly(r.ok && r.value === 'this-run-only'));
  }, [controller]);

  useEffect(() => {
    void controller.desktop.getServerUrl().then((r) => {
      if (r.ok && r.value) setValues((v) => (v.serverUrl ? v : { ...v, serverUrl: r.value ?? '' }));
    });
  }, [controller]);

  const errors: Partial<Record<Field, string | null>> = {
    serverUrl: validate(t, 'serverUrl', values.serverUrl) ?? addressError,
    ...(mode === 'login'
      ? { login: values.login.trim() ? null : t('login.required'), password: values.password ? null : t('login.required') }
      : {
          username: validate(t, 'username', values.username),
          email: validate(t, 'email', values.email),
          password: validate(t, 'password', values.password),
          displayName: values.displayName ? validate(t, 'displayName', values.displayName) : null,
        }),
  };
  const fields: Field[] =
    mode === 'login' ? ['serverUrl', 'login', 'password'] : ['serverUrl', 'username', 'displayName', 'email', 'password'];
  // A refusal from the server at that address does not make the form invalid: trying again is allowed.
  const valid = fields.every((f) => !errors[f] || (f === 'serverUrl' && errors[f] === addressError));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setTouched(Object.fromEntries(fields.map((f) => [f, true])));
    if (!valid || busy) return;
    setBusy(true);
    setServerError(null);
    setAddressError(null);
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
          }),
    );
    setBusy(false);
    if (!r.ok && SERVER_ADDRESS_CODES.has(r.error.code)) setAddressError(errorText(t, r.error));
    else if (!r.ok) setServerError(errorText(t, r.error));
  };

  const input = (f: Field, type = 'text', autoComplete = 'off') => {
    const err = touched[f] ? errors[f] : null;
    return (
      <div className="field">
        <label htmlFor={`${id}-${f}`}>{t(`login.${f}`)}</label>
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
      </form>
    </main>
  );
}
