/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The C++ server serves dist/ at / (LIVE_WEB_ROOT) and the API under /api/v1/; `npm run dev`
// proxies the API to a local `liveclass serve` so both run on one origin as in production.
export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    sourcemap: false,
    // The budget (first load under 300 KB gzipped) is checked by scripts/check-budget.mjs.
    chunkSizeWarningLimit: 400,
    rollupOptions: {
      // React Router marks its modules "use client" (a React Server Components hint with no meaning
      // in a client-only bundle); everything else is reported.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
  },
});
