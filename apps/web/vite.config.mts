import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The web app, built into dist/web and served by the API at `/`. `npm run web:dev` proxies the API on :3000. */
const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: here,
  base: '/',
  oxc: { jsx: { runtime: 'automatic' } },
  // the pure domain rules (schedules, the holiday calendar) run in the browser too
  // and contracts declares the API's answers: types only (`import type`), so its Temporal definitions stay out
  resolve: {
    alias: {
      '@cascade/domain': resolve(here, '../../libs/domain/src'),
      '@cascade/contracts': resolve(here, '../../libs/contracts/src'),
    },
  },
  build: { outDir: resolve(here, '../../dist/web'), emptyOutDir: true, sourcemap: false },
  server: {
    port: 5173,
    proxy: Object.fromEntries(
      [
        '/auth',
        '/directives',
        '/registers',
        '/overdue',
        '/units',
        '/users',
        '/health',
        '/inbox',
        '/events',
      ].map((p) => [p, 'http://127.0.0.1:3000']),
    ),
  },
});
