// Main process: a renderer that crashed or hangs leaves a blank or frozen window. Say so and offer a reload instead
// of leaving the user to kill the app (a crash loop is cut short by asking rather than reloading on our own).
import type { MessageBoxOptions } from 'electron';
import { MAIN_STRINGS } from './i18n.js';
import type { MainStrings } from './i18n.js';

export interface HealthWindow {
  isDestroyed(): boolean;
  reload(): void;
  on(event: 'unresponsive', listener: () => void): unknown;
  onGone(listener: (details: { reason: string; exitCode: number }) => void): void;
}

export interface HealthDeps {
  ask: (options: MessageBoxOptions) => Promise<{ response: number }>;
  log: (message: string) => void;
  quit: () => void;
  /** The app's language now (main/i18n.ts); English when absent. */
  strings?: () => MainStrings;
}

export function watchRendererHealth(win: HealthWindow, deps: HealthDeps): void {
  let asking = false;
  const t = () => deps.strings?.() ?? MAIN_STRINGS.en;
  const ask = async (options: MessageBoxOptions, onAnswer: (response: number) => void) => {
    if (asking || win.isDestroyed()) return;
    asking = true;
    try {
      onAnswer((await deps.ask(options)).response);
    } finally {
      asking = false;
    }
  };

  win.onGone(({ reason, exitCode }) => {
    deps.log(`renderer gone: ${reason} (exit code ${exitCode})`);
    // 'clean-exit' is a normal end (the window is closing); anything else left a dead page behind.
    if (reason === 'clean-exit') return;
    void ask(
      {
        type: 'error',
        message: t().crashedTitle('Messenger'),
        detail: t().crashedDetail(reason),
        buttons: [t().reloadButton, t().quitButton],
        defaultId: 0,
        cancelId: 0,
        noLink: true,
      },
      (response) => (response === 0 ? win.reload() : deps.quit()),
    );
  });

  win.on('unresponsive', () => {
    deps.log('renderer unresponsive');
    void ask(
      {
        type: 'warning',
        message: t().hungTitle('Messenger'),
        detail: t().hungDetail,
        buttons: [t().reloadButton, t().waitButton],
        defaultId: 1,
        cancelId: 1,
        noLink: true,
      },
      (response) => {
        if (response === 0) win.reload();
      },
    );
  });
}
