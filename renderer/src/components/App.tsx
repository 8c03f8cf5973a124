import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/index.js';
import { selectSession, selectSettings, selectTheme } from '../store/selectors.js';
import { applyLanguage } from '../i18n/index.js';
import { LoginScreen } from './LoginScreen.js';
import { ResetPasswordScreen, useResetToken } from './ResetPasswordScreen.js';
import { Shell } from './Shell.js';

export function App() {
  const session = useAppStore(selectSession);
  const theme = useAppStore(selectTheme);
  const language = useAppStore(selectSettings).language;
  const { t } = useTranslation();
  const resetToken = useResetToken();

  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);
  useEffect(() => {
    void applyLanguage(language);
  }, [language]);

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
