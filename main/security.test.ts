import { describe, expect, it, vi } from 'vitest';
import {
  APP_ORIGIN,
  buildCsp,
  createNavigationGuard,
  createPermissionCheckHandler,
  createPermissionRequestHandler,
  createWindowOpenHandler,
  isTrustedSender,
  navigationDecision,
  isCspHostSource,
  LOOPBACK_ORIGINS,
  originOf,
} from './security.js';

const origins = [APP_ORIGIN, 'http://localhost:8080'];

describe('navigation', () => {
  it('allows the app, sends web links to the browser, denies everything else', () => {
    expect(originOf('app://messenger/index.html#/rooms/1')).toBe('app://messenger');
    expect(navigationDecision('app://messenger/index.html', origins)).toBe('allow');
    expect(navigationDecision('http://localhost:8080/rooms', origins)).toBe('allow');
    expect(navigationDecision('https://example.com/doc', origins)).toBe('open-external');
    expect(navigationDecision('http://localhost:9999/', origins)).toBe('open-external');
    for (const url of [
      'file:///etc/passwd',
      'javascript:alert(1)',
      'smb://host/share',
      'app://evil/x',
      'messenger://room/1',
      'not a url',
      'https://user:pw@bank.example/',
    ]) {
      expect(navigationDecision(url, origins)).toBe('deny');
    }
  });

  it('will-navigate guard stops and hands web links to the default browser', () => {
    const openExternal = vi.fn();
    const guard = createNavigationGuard({ appOrigins: () => origins, openExternal });
    const ev = { preventDefault: vi.fn() };
    guard(ev, 'app://messenger/index.html');
    expect(ev.preventDefault).not.toHaveBeenCalled();
    guard(ev, 'https://example.com');
    expect(ev.preventDefault).toHaveBeenCalledTimes(1);
    expect(openExternal).toHaveBeenCalledWith('https://example.com');
    guard(ev, 'file:///etc/passwd');
    expect(ev.preventDefault).toHaveBeenCalledTimes(2);
    expect(openExternal).toHaveBeenCalledTimes(1);
  });

  it('window.open never creates an Electron window', () => {
    const openExternal = vi.fn();
    const handler = createWindowOpenHandler({ appOrigins: () => origins, openExternal });
    expect(handler({ url: 'https://example.com/x' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'app://messenger/index.html' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'file:///C:/Windows/calc.exe' })).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://example.com/x']]);
  });
});

describe('permissions', () => {
  it('grants only notifications, only to the app', () => {
    const request = createPermissionRequestHandler(() => origins);
    const grant = (perm: string, url: string) => {
      const cb = vi.fn();
      request({ getURL: () => url }, perm, cb, { requestingUrl: url });
      return cb.mock.calls[0]?.[0];
    };
    expect(grant('notifications', 'app://messenger/index.html')).toBe(true);
    expect(grant('media', 'app://messenger/index.html')).toBe(false);
    expect(grant('geolocation', 'app://messenger/index.html')).toBe(false);
    expect(grant('openExternal', 'app://messenger/index.html')).toBe(false);
    expect(grant('notifications', 'https://evil.example/')).toBe(false);

    const check = createPermissionCheckHandler(() => origins);
    expect(check(null, 'notifications', 'app://messenger')).toBe(true);
    expect(check(null, 'clipboard-read', 'app://messenger')).toBe(false);
  });
});

describe('IPC sender check', () => {
  it('trusts only the top frame of an app page', () => {
    expect(isTrustedSender({ url: 'app://messenger/index.html', parent: null }, origins)).toBe(true);
    expect(isTrustedSender({ url: 'app://messenger/index.html', parent: {} }, origins)).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null }, origins)).toBe(false);
    expect(isTrustedSender(null, origins)).toBe(false);
  });
});

describe('CSP', () => {
  it('allows scripts only from the app and connections to the known servers', () => {
    const csp = buildCsp(['http://192.168.1.5:8080']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe/);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toMatch(/connect-src [^;]*http:\/\/192\.168\.1\.5:8080/);
    expect(csp).toMatch(/connect-src [^;]*ws:\/\/192\.168\.1\.5:8080/);
    expect(csp).not.toMatch(/connect-src [^;]*\bhttp:(\s|;|$)/);
  });

  it('writes only sources CSP can parse: IPv6 literals are left out, loopback is reached by name', () => {
    const csp = buildCsp([...LOOPBACK_ORIGINS, 'http://[::1]:8080', 'http://10.0.0.2:3000']);
    expect(csp).not.toContain('[');
    expect(csp).toMatch(/connect-src [^;]*http:\/\/localhost:\*/);
    expect(csp).toMatch(/connect-src [^;]*ws:\/\/127\.0\.0\.1:\*/);
    expect(csp).toMatch(/connect-src [^;]*http:\/\/10\.0\.0\.2:3000/);
    // Every host-source (not a keyword, not a bare scheme) matches CSP's host-source grammar.
    const sources = csp.split(';').flatMap((d) => d.trim().split(/\s+/).slice(1));
    for (const s of sources.filter((x) => x.includes('://'))) expect(isCspHostSource(s), s).toBe(true);
    expect(isCspHostSource('http://[::1]:*')).toBe(false);
  });
});
