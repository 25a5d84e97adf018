import { defineConfig } from 'vitest/config';

// Library build: dist/witness.js (IIFE, `window.Witness`) for <script> tags and dist/witness.mjs (ES module).
export default defineConfig({
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2020',
    sourcemap: false,
    minify: true,
    lib: {
      entry: 'src/index.ts',
      name: 'Witness',
      formats: ['iife', 'es'],
      fileName: (format) => (format === 'iife' ? 'witness.js' : 'witness.mjs'),
    },
  },
  test: {
    environment: 'happy-dom',
    // rrweb reads untainted DOM prototypes from an about:blank iframe
    environmentOptions: { happyDOM: { settings: { enableIframePageLoading: true } } },
    include: ['test/**/*.test.ts'],
  },
});
