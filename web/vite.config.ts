/// <reference types="vitest/config" />
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/**
 * Excalidraw (the class whiteboard) gives every font face two sources: the page's asset path, then its
 * CDN (esm.sh). The app's CSP (default-src 'self') refuses the CDN, and Chrome reports each refused
 * source as a console error even when the first one loads. The build makes the fonts served with the
 * app (dist/assets/excalidraw/fonts/, copied by scripts/excalidraw-assets.mjs) the only source.
 * `npm run dev` (no CSP) keeps the CDN.
 */
function excalidrawFontsFromApp(): Plugin {
  const cdn = /`https:\/\/esm\.sh\/\$\{.*?\}\/dist\/prod\/`/;
  return {
    name: 'liveclass:excalidraw-fonts',
    apply: 'build',
    transform(code, id) {
      if (!id.includes('/@excalidraw/excalidraw/') || !code.includes('https://esm.sh/')) return null;
      if (!cdn.test(code)) this.error('Excalidraw names its font CDN in a new way: update excalidrawFontsFromApp');
      return { code: code.replace(cdn, '(window.location.origin+"/assets/excalidraw/")'), map: null };
    },
  };
}

// The C++ server serves dist/ at / (LIVE_WEB_ROOT) and the API under /api/v1/; `npm run dev`
// proxies the API to a local `liveclass serve` so both run on one origin as in production.
export default defineConfig({
  plugins: [react(), excalidrawFontsFromApp()],
  resolve: {
    // Mermaid import is a hidden tool of the board: see src/lib/mermaidUnavailable.ts.
    alias: [
      {
        find: /^@excalidraw\/mermaid-to-excalidraw$/,
        replacement: new URL('./src/lib/mermaidUnavailable.ts', import.meta.url).pathname,
      },
    ],
  },
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
