import path from 'node:path';
import { defineConfig } from 'vite';

/**
 * The web console: built by `npm run build` into dist/ui, which griddle-scheduler serves at
 * /ui. Everything is bundled (no CDN, nothing fetched at run time).
 */
export default defineConfig({
  root: __dirname,
  base: '/ui/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: path.join(__dirname, '..', 'dist', 'ui'),
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 300,
  },
  logLevel: 'warn',
});
