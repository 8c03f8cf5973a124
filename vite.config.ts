// The renderer build: one bundle that the server serves at / and that Electron loads from a file (hence base './').
// Text assets are precompressed (brotli + gzip) for the server to send as they are; source maps are written next to
// the build, not into it, so they stay available for error reports without being public.
import { mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { compression } from 'vite-plugin-compression2';

const backend = process.env['MESSENGER_DEV_SERVER'] ?? 'http://127.0.0.1:8080';
const OUT_DIR = path.resolve('renderer/dist');
/** Outside the served folder (and outside what the desktop app packages). */
const SOURCEMAP_DIR = path.resolve('dist/sourcemaps/renderer');

function sourceMapsOutside(): Plugin {
  return {
    name: 'messenger:sourcemaps-outside',
    apply: 'build',
    writeBundle(_options, bundle) {
      rmSync(SOURCEMAP_DIR, { recursive: true, force: true });
      for (const file of Object.keys(bundle).filter((f) => f.endsWith('.map'))) {
        const to = path.join(SOURCEMAP_DIR, file);
        mkdirSync(path.dirname(to), { recursive: true });
        renameSync(path.join(OUT_DIR, file), to);
      }
      // Nothing ending in .map may stay behind in the served folder.
      const left = readdirSync(OUT_DIR, { recursive: true }).filter((f) => String(f).endsWith('.map'));
      if (left.length) throw new Error(`source maps left in ${OUT_DIR}: ${left.join(', ')}`);
    },
  };
}

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [
    react(),
    sourceMapsOutside(),
    compression({
      algorithms: ['brotliCompress', 'gzip'],
      include: /\.(js|css|html|svg|json|txt)$/,
      exclude: /\.map$/,
      threshold: 1024,
      logLevel: 'silent',
    }),
  ],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or eval anywhere: the server's CSP (script-src 'self') forbids them.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    // 'hidden': maps are written (and moved out by sourceMapsOutside) but no sourceMappingURL points at them.
    sourcemap: 'hidden',
  },
  server: {
    port: 5173,
    // Same-origin in development too, so the refresh cookie and connect-src 'self' behave as in production.
    proxy: {
      '/api': { target: backend, changeOrigin: false },
      '/socket.io': { target: backend, ws: true, changeOrigin: false },
    },
  },
});
