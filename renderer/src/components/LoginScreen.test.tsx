// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import i18next from 'i18next';
import { act } from 'react';
import type { DesktopApi } from '../../../protocol/desktop.js';
import { SESSION_END_CODES, type SessionEndCode } from '../../../protocol/errors.js';
import { en } from '../i18n/en.js';
import { initI18n } from '../i18n/index.js';
import { zhCN } from '../i18n/zh-CN.js';
import { AppController } from '../services/controller.js';
import { useAppStore } from '../store/index.js';
import { ControllerContext } from './context.js';
import { LoginScreen } from './LoginScreen.js';

initI18n('en');
afterEach(cleanup);

async function setup(login: DesktopApi['login'], ended: SessionEndCode = 'SESSION_EXPIRED') {
  const desktop = {
    platform: 'desktop',
    getServerUrl: async () => ({ ok: true, value: 'https://chat.example.test' }),
    sessionPersistence: async () => ({ ok: true, value: 'secure' }),
    login,
  } as unknown as DesktopApi;
  // Components read the app's store, so the test drives that one.
  const store = useAppStore;
  store.getState().signedOut(ended);
  const controller = new AppController(store, desktop, () => {
    throw new Error('not in this test');
  });
  // As controller.start() does before the first screen renders.
  await controller.loadLoginDefaults();
  render(
    <ControllerContext.Provider value={controller}>
      <LoginScreen />
    </ControllerContext.Provider>,
  );
  return { store };
}

describe('LoginScreen', () => {
  // The true reason for each session-end code the server sends, in both languages, and never the same sentence twice.
  it.each([
    ['en', en.login.ended],
    ['zh-CN', zhCN.login.ended as Record<SessionEndCode, string>],
  ] as const)('in %s, tells the true reason for every session-end code', async (lng, ended) => {
    await act(async () => {
      await i18next.changeLanguage(lng);
    });
    try {
      const shown = new Set<string>();
      for (const code of SESSION_END_CODES) {
        await setup(vi.fn(), code);
        const text = screen.getByRole('alert').textContent ?? '';
        expect(text, code).toBe(ended[code]);
        shown.add(text);
        cleanup();
      }
      expect(shown.size).toBe(SESSION_END_CODES.length);
    } finally {
      await act(async () => {
        await i18next.changeLanguage('en');
      });
    }
  });

  it('says plainly that the session expired, and shows the remembered server address in its first paint', async () => {
    await setup(vi.fn());
    expect(screen.getByRole('alert').textContent).toMatch(/session has expired/i);
    expect((screen.getByLabelText('Server address') as HTMLInputElement).value).toBe('https://chat.example.test');
  });

  it('validates inline with the shared schemas before calling the server', async () => {
    const login = vi.fn();
    await setup(login);
    fireEvent.click(screen.getByRole('button', { name: 'Create an account' }));
    fireEvent.change(screen.getByLabelText('Username'), { target: { value: 'a!' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'short' } });
    fireEvent.click(screen.getByRole('button', { name: 'Create account' }));
    expect(await screen.findByText('may contain only letters, digits and _')).toBeTruthy();
    expect(screen.getByText('must be 8-72 bytes of UTF-8')).toBeTruthy();
    expect(login).not.toHaveBeenCalled();
  });

  it('shows a server error in words', async () => {
    const login = vi.fn(async () => ({
      ok: false as const,
      error: { code: 'INVALID_CREDENTIALS' as const, message: 'wrong username, email or password' },
    }));
    await setup(login);
    await waitFor(() => expect((screen.getByLabelText('Server address') as HTMLInputElement).value).not.toBe(''));
    fireEvent.change(screen.getByLabelText('Username or email'), { target: { value: 'ann' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'nope-nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    await waitFor(() => expect(screen.getByText('Wrong username, email or password.')).toBeTruthy());
    expect(login).toHaveBeenCalledWith({ serverUrl: 'https://chat.example.test', login: 'ann', password: 'nope-nope' });
  });
});
