// `#/verify-email/<token>`: the link emailed to confirm an address. It confirms once (POST /auth/verify-email) and
// then hands over to the app (signed in or at the login screen), with the hash cleared so a reload does not retry.
import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiClient } from '../../../../client/api.js';
import { errorText } from '../../lib/errors.js';
import { useController } from '../context.js';

const VERIFY_HASH = /^#\/verify-email\/([A-Za-z0-9_-]{1,128})$/;

/** The token of a verification link the page was opened with, if any. */
export function verifyTokenFromLocation(): string | null {
  if (typeof window === 'undefined') return null;
  return VERIFY_HASH.exec(window.location.hash)?.[1] ?? null;
}

export function VerifyEmailPage(props: { token: string; onDone: () => void }) {
  const { t } = useTranslation();
  const controller = useController();
  const id = useId();
  const [state, setState] = useState<{ kind: 'working' } | { kind: 'done' } | { kind: 'failed'; message: string }>({ kind: 'working' });

  useEffect(() => {
    let live = true;
    void (async () => {
      // The link was made by the server that serves this page (PUBLIC_URL); the desktop app uses its own server.
      const stored = controller.desktop.platform === 'web' ? null : await controller.desktop.getServerUrl();
      const serverUrl = stored?.ok && stored.value ? stored.value : window.location.origin;
      try {
        await new ApiClient({ serverUrl }).verifyEmail(props.token);
        if (live) setState({ kind: 'done' });
      } catch (err) {
        if (live) setState({ kind: 'failed', message: errorText(t, err) });
      }
    })();
    return () => {
      live = false;
    };
  }, [controller, props.token, t]);

  const done = () => {
    window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}#/`);
    props.onDone();
  };

  return (
    <main className="login">
      <section className="login-card" aria-labelledby={`${id}-title`}>
        <div className="brand" aria-hidden="true">
          ◆
        </div>
        <h1 id={`${id}-title`}>{t('account.verifyTitle')}</h1>
        {state.kind === 'working' && <p role="status">{t('account.verifying')}</p>}
        {state.kind === 'done' && (
          <p className="notice" role="status">
            {t('account.verified')}
          </p>
        )}
        {state.kind === 'failed' && (
          <p className="form-error" role="alert">
            {state.message}
          </p>
        )}
        {state.kind !== 'working' && (
          <button type="button" className="primary wide" onClick={done}>
            {t('account.continue')}
          </button>
        )}
      </section>
    </main>
  );
}
