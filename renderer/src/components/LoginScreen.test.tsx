// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { DesktopApi } from '../../../protocol/desktop.js';
import { initI18n } from '../i18n/index.js';
import { AppController } from '../services/controller.js';
import { useAppStore } from '../store/index.js';
import { ControllerContext } from './context.js';
import { LoginScreen } from './LoginScreen.js';

initI18n('en');
afterEach(cleanup);

function setup(login: DesktopApi['login']) {
  const desktop = {
    platform: 'desktop',
    getServerUrl: async () => ({ ok: true, value: 'https://chat.example.test' }),
    sessionPersistence: async () => ({ ok: true, value: 'secure' }),
    login,
  } as unknown as DesktopApi;
  // Components read the app's store, so the test drives that one.
  const store = useAppStore;
  store.getState().signedOut('expired');
  const controller = new AppController(store, desktop, () => {
    throw new Error('not in this test');
  });
  render(
    <ControllerContext.Provider value={controller}>
      <LoginScreen />
    </ControllerContext.Provider>,
  );
  return { store };
}

describe('LoginScreen', () => {
  it('says plainly that the session expired, and remembers the server address', async () => {
    setup(vi.fn());
    expect(screen.getByRole('alert').textContent).toMatch(/session has expired/i);
    await waitFor(() => expect((screen.getByLabelText('Server address') as HTMLInputElement).value).toBe('https://chat.example.test'));
  });

  it('validates inline with the shared schemas before calling the server', async () => {
    const login = vi.fn();
    setup(login);
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
    setup(login);
    await waitFor(() => expect((screen.getByLabelText('Server address') as HTMLInputElement).value).not.toBe(''));
    fireEvent.change(screen.getByLabelText('Username or email'), { target: { value: 'ann' } });
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'nope-nope' } });
    fireEvent.click(screen.getByRole('button', { name: 'Log in' }));
    await waitFor(() => expect(screen.getByText('Wrong username, email or password.')).toBeTruthy());
    expect(login).toHaveBeenCalledWith({ serverUrl: 'https://chat.example.test', login: 'ann', password: 'nope-nope' });
  });
});
