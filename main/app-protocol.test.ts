import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAppProtocolHandler, resolveAppFile } from './app-protocol.js';

const root = '/opt/messenger/renderer/dist';

describe('app:// protocol', () => {
  it('maps files and client routes under the renderer build', () => {
    expect(resolveAppFile(root, 'app://messenger/')).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://messenger/rooms/5')).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://messenger/assets/index-abc.js')).toBe(join(root, 'assets/index-abc.js'));
  });

  it('cannot be walked out of', () => {
    // The URL parser already folds plain and %2e dot segments at the root; what is left must stay inside.
    for (const url of ['app://messenger/../../etc/passwd.txt', 'app://messenger/%2e%2e/%2e%2e/etc/passwd.txt']) {
      expect(resolveAppFile(root, url)?.startsWith(`${root}/`)).toBe(true);
    }
    // Encoded slashes survive the parser and would climb out after decoding.
    for (const url of [
      'app://messenger/..%2f..%2fsecret.txt',
      'app://messenger/a%00.js',
      'app://other/index.html',
      'https://messenger/index.html',
      'app://messenger/%E0%A4%A.js',
    ]) {
      expect(resolveAppFile(root, url)).toBeNull();
    }
  });

  it('serves files with their type, the CSP and nosniff; 404 for missing or non-GET', async () => {
    const files: Record<string, string> = { [join(root, 'index.html')]: '<!doctype html>' };
    const handler = createAppProtocolHandler({
      root,
      readFile: async (p) => {
        const f = files[p];
        if (f === undefined) throw new Error('ENOENT');
        return new TextEncoder().encode(f);
      },
      csp: () => "default-src 'none'",
    });
    const res = await handler({ url: 'app://messenger/index.html', method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('<!doctype html>');
    expect((await handler({ url: 'app://messenger/missing.js' })).status).toBe(404);
    expect((await handler({ url: 'app://messenger/index.html', method: 'POST' })).status).toBe(404);
  });
});
