// The renderer build: one bundle that the server serves at / and that Electron loads from a file (hence base './').
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const backend = process.env['MESSENGER_DEV_SERVER'] ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // No inline scripts or eval anywhere: the server's CSP (script-src 'self') forbids them.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: true,
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
