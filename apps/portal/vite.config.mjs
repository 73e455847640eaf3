import { defineConfig } from 'vite';

// Built into dist/portal, which the subscriptions service serves at /portal (no CDN at run time).
export default defineConfig({
  base: '/portal/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: '../../dist/portal',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
  },
});
