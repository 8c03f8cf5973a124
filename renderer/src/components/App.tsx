import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../store/index.js';
import { selectSession, selectSettings, selectTheme } from '../store/selectors.js';
import { applyLanguage } from '../i18n/index.js';
import { LoginScreen } from './LoginScreen.js';
import { Shell } from './Shell.js';

export function App() {
  const session = useAppStore(selectSession);
  const theme = useAppStore(selectTheme);
  const language = useAppStore(selectSettings).language;
  const { t } = useTranslation();

  useEffect(() => {
    document.documentElement.dataset['theme'] = theme;
  }, [theme]);
  useEffect(() => {
    void applyLanguage(language);
  }, [language]);

  if (session.status === 'restoring') {
    return (
      <div className="splash" role="status">
        {t('app.loading')}
      </div>
    );
  }
  return session.status === 'signed-in' ? <Shell /> : <LoginScreen />;
}
