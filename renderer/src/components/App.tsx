import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/index.js';
import { selectSession, selectSettings, selectTheme } from '../store/selectors.js';
import { applyLanguage } from '../i18n/index.js';
import { LoginScreen } from './LoginScreen.js';
import { ResetPasswordScreen, useResetToken } from './ResetPasswordScreen.js';
import { Shell } from './Shell.js';
import { VerifyEmailPage, verifyTokenFromLocation } from './account/VerifyEmailPage.js';

export function App() {
  const session = useAppStore(selectSession);
  const theme = useAppStore(selectTheme);
  const language = useAppStore(selectSettings).language;
  const { t } = useTranslation();
  // An emailed confirmation link (`#/verify-email/<token>`) is handled before anything else, signed in or not.
  const [verifyToken, setVerifyToken] = useState(verifyTokenFromLocation);
  const resetToken = useResetToken();

  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);
  useEffect(() => {
    void applyLanguage(language);
  }, [language]);

  if (verifyToken) return <VerifyEmailPage token={verifyToken} onDone={() => setVerifyToken(null)} />;
  // A password-reset link is for whoever holds it, signed in here or not.
  if (resetToken !== null) return <ResetPasswordScreen token={resetToken} />;
  if (session.status === 'restoring') {
    return (
      <div className="splash" role="status">
        {t('app.loading')}
      </div>
    );
  }
  return session.status === 'signed-in' ? <Shell /> : <LoginScreen />;
}
