import { minify } from 'terser';
import { defineConfig } from 'vitest/config';

/** @rrweb/record's bundle, which the build plugins below rewrite in two places. */
const RRWEB_RECORD = /@rrweb[\\/]record[\\/]dist[\\/]record\.js$/;

// Library build: dist/witness.js (IIFE, `window.Witness`) for <script> tags and dist/witness.mjs (ES module).
export default defineConfig({
  plugins: [
    {
      // rrweb's canvas worker (≈ 800 bytes gzipped) is a string, so it survives tree-shaking; it only runs with
      // `recordCanvas`, which the SDK never sets (canvas pixels are not captured: README "Masking"). The build
      // fails if @rrweb/record no longer has the string, so that an upgrade does not silently keep or break it.
      name: 'witness-drop-canvas-worker',
      apply: 'build',
      transform(code, id) {
        if (!RRWEB_RECORD.test(id)) return undefined;
        const worker = /const jsContent = '\(function\(\) \{[^']*';/;
        if (!worker.test(code)) this.error('@rrweb/record: the canvas worker source (jsContent) was not found');
        return { code: code.replace(worker, "const jsContent = '';"), map: null };
      },
    },
    {
      // rrweb checks `querySelector` and `querySelectorAll` of `Element.prototype` as getters, which they are not,
      // so it always takes `Element` for tainted and builds a hidden iframe on every page to read an untainted
      // prototype from: the recorder's largest single main-thread cost in Chromium (docs/benchmarks.md, session
      // 20). They are checked as methods instead, as rrweb's open fix proposes (rrweb-io/rrweb#1802); a page that
      // really patched them still gets the iframe. The build fails if the lists change, so an upgrade is looked at.
      name: 'witness-element-methods-untainted',
      apply: 'build',
      transform(code, id) {
        if (!RRWEB_RECORD.test(id)) return undefined;
        const accessors = /(const testableAccessors = \{[^}]*?Element: )\["shadowRoot", "querySelector", "querySelectorAll"\]/;
        const methods = /(const testableMethods = \{[^}]*?Element: )\[\]/;
        if (!accessors.test(code) || !methods.test(code)) {
          this.error('@rrweb/record: the untainted-prototype lists (testableAccessors, testableMethods) changed');
        }
        return {
          code: code.replace(accessors, '$1["shadowRoot"]').replace(methods, '$1["querySelector", "querySelectorAll"]'),
          map: null,
        };
      },
    },
    {
      // terser over the minified bundle: ≈ 500 bytes (gzipped) less, which keeps the SDK, consent and masking
      // included, within its 30 KB budget (README "Size"). Standard compress options only.
      name: 'witness-terser-after-minify',
      apply: 'build',
      async generateBundle(_, bundle) {
        for (const chunk of Object.values(bundle)) {
          if (chunk.type === 'chunk') chunk.code = (await minify(chunk.code, { ecma: 2020, compress: { passes: 2 }, module: chunk.fileName.endsWith('.mjs') })).code!;
        }
      },
    },
  ],
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
