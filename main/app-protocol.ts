// Main process: serves the built renderer (renderer/dist) at app://messenger/ rather than file://. A custom,
// standard, secure scheme gives the page a real origin (file:// pages share one "null" origin with every local
// file), lets us attach the CSP to each response, and cannot be walked out of with ../ (checked below).
import { extname, join, normalize, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './security.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
};

export const APP_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } as const;

/** The file under root that an app:// URL names; index.html for routes (no extension); null for anything outside. */
export function resolveAppFile(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0')) return null;
  const relative = pathname === '/' || extname(pathname) === '' ? 'index.html' : pathname.replace(/^\/+/, '');
  const base = normalize(root);
  const file = normalize(join(base, relative));
  return file.startsWith(base.endsWith(sep) ? base : base + sep) ? file : null;
}

export function createAppProtocolHandler(deps: { root: string; readFile: (path: string) => Promise<Uint8Array>; csp: () => string }) {
  return async (request: { url: string; method?: string }): Promise<Response> => {
    const file = resolveAppFile(deps.root, request.url);
    if (!file || (request.method && request.method !== 'GET' && request.method !== 'HEAD')) {
      return new Response('Not found', { status: 404 });
    }
    let data: Uint8Array;
    try {
      data = await deps.readFile(file);
    } catch {
      return new Response('Not found', { status: 404 });
    }
    return new Response(new Uint8Array(data), {
      status: 200,
      headers: {
        'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
        'content-security-policy': deps.csp(),
        'x-content-type-options': 'nosniff',
        'cross-origin-opener-policy': 'same-origin',
        'referrer-policy': 'no-referrer',
      },
    });
  };
}
