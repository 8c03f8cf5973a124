import { describe, expect, it, vi } from 'vitest';
import { createAuthClient } from './auth-client.js';
import type { FetchLike } from './auth-client.js';

const okBody = {
  user: {
    id: 1,
    username: 'ann',
    displayName: 'Ann',
    avatarUrl: null,
    online: true,
    lastSeenAt: null,
    email: 'a@x.io',
    createdAt: '2026-01-01T00:00:00.000Z',
    role: 'user',
  },
  accessToken: 'a',
  refreshToken: 'r',
  accessTokenExpiresAt: '2026-01-01T00:15:00.000Z',
};

function fetchReturning(status: number, body: unknown): FetchLike & ReturnType<typeof vi.fn> {
  return vi.fn(async () => ({ status, json: async () => (body instanceof Error ? Promise.reject(body) : body) }));
}

describe('auth client', () => {
  it('posts JSON to /api/auth/login and parses AuthResult', async () => {
    const f = fetchReturning(200, okBody);
    const res = await createAuthClient(f).login('https://s.io', { login: 'ann', password: 'pw' });
    expect(res).toEqual({ ok: true, value: okBody });
    expect(f).toHaveBeenCalledWith(
      'https://s.io/api/auth/login',
      expect.objectContaining({ method: 'POST', body: JSON.stringify({ login: 'ann', password: 'pw' }) }),
    );
  });

  it('maps a protocol error body to its code', async () => {
    const res = await createAuthClient(
      fetchReturning(401, { error: { code: 'INVALID_CREDENTIALS', message: 'invalid login or password' } }),
    ).login('https://s.io', { login: 'a', password: 'b' });
    expect(res).toEqual({ ok: false, error: { code: 'INVALID_CREDENTIALS', message: 'invalid login or password' } });
  });

  it('refuses a body that is not an AuthResult, and non-JSON answers', async () => {
    expect(await createAuthClient(fetchReturning(200, { accessToken: 1 })).refresh('https://s.io', 'r')).toMatchObject({
      ok: false,
      error: { code: 'NETWORK_ERROR' },
    });
    expect(await createAuthClient(fetchReturning(502, new SyntaxError('bad json'))).refresh('https://s.io', 'r')).toMatchObject({
      ok: false,
      error: { code: 'NETWORK_ERROR' },
    });
  });

  it('turns an unreachable server or a hung request into NETWORK_ERROR', async () => {
    const down: FetchLike = async () => Promise.reject(new TypeError('fetch failed'));
    expect(await createAuthClient(down).refresh('https://s.io', 'r')).toMatchObject({
      ok: false,
      error: { code: 'NETWORK_ERROR', message: expect.stringContaining('fetch failed') },
    });
    const hung: FetchLike = () => new Promise(() => undefined);
    expect(await createAuthClient(hung, { timeoutMs: 10 }).refresh('https://s.io', 'r')).toMatchObject({
      ok: false,
      error: { code: 'NETWORK_ERROR' },
    });
  });

  it('sends the access token with logout and swallows failures', async () => {
    const f = fetchReturning(204, null);
    await createAuthClient(f).logout('https://s.io', 'r', 'a');
    expect(f).toHaveBeenCalledWith(
      'https://s.io/api/auth/logout',
      expect.objectContaining({ headers: expect.objectContaining({ authorization: 'Bearer a' }) }),
    );
    await expect(createAuthClient(async () => Promise.reject(new Error('x'))).logout('https://s.io', 'r', null)).resolves.toBeUndefined();
  });
});
