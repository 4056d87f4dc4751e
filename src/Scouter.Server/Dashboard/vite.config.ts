import { defineConfig } from 'vite';

// The server serves the build under /ui/ with a strict CSP (default-src 'self'): nothing inline,
// nothing from another origin. `npm run dev` proxies the API to SCOUTER_URL (default the demo's port).
export default defineConfig({
  base: '/ui/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: false,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    target: 'es2022',
    // One bundle (ECharts is most of it); the budget is checked on the gzip size instead.
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: {
      '/api': { target: process.env.SCOUTER_URL ?? 'http://127.0.0.1:8000', changeOrigin: false },
    },
  },
});
