// Entry: pick the desktop bridge (preload's or the web one), start the controller, render.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App.js';
import { ControllerContext } from './components/context.js';
import { getDesktop } from './desktop/index.js';
import { initI18n } from './i18n/index.js';
import { SharedTranslation } from './i18n/shared.js';
import { installDropGuard } from './lib/drop-guard.js';
import { AppController } from './services/controller.js';
import { useAppStore } from './store/index.js';
import type { ThemePreference } from './store/ui.js';
import './styles.css';
import './layout.css';

initI18n();
installDropGuard();
const theme = localStorage.getItem('messenger.theme');
if (theme === 'light' || theme === 'dark' || theme === 'system') useAppStore.getState().setTheme(theme as ThemePreference);

const controller = new AppController(useAppStore, getDesktop());
void controller.start();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <ControllerContext.Provider value={controller}>
      <SharedTranslation>
        <App />
      </SharedTranslation>
    </ControllerContext.Provider>
  </StrictMode>,
);
