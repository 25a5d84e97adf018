import { defineConfig, type Plugin } from 'vitest/config';

// The replay page's first script (src/pages/replay-prefetch.ts) starts the first events request while the browser
// still evaluates the player. Vite would merge it into the page's one entry, evaluated after the whole player, so it
// is an entry of its own that this plugin puts first in replay.html's head.
const PREFETCH = 'replay-prefetch';

function replayPrefetchFirst(): Plugin {
  return {
    name: 'witness-replay-prefetch-first',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        if (!ctx.filename.endsWith('replay.html') || !ctx.bundle) return html;
        const chunk = Object.values(ctx.bundle).find((c) => c.type === 'chunk' && c.isEntry && c.name === PREFETCH);
        if (!chunk) throw new Error(`${PREFETCH} chunk missing from the build`);
        return {
          html,
          tags: [{ tag: 'script', attrs: { type: 'module', src: `/console/${chunk.fileName}` }, injectTo: 'head-prepend' }],
        };
      },
    },
  };
}

// The appliance serves the built console from its classpath at /console/ (see README.md). Maven names the classes
// directory (WITNESS_CONSOLE_OUT_DIR: the FIPS build has its own); run by hand, the default build's.
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const outDir = env.WITNESS_CONSOLE_OUT_DIR ?? '../target/classes/WEB/console';

// Plain pages, no client-side router: every screen has a real, bookmarkable URL.
export default defineConfig({
  base: '/console/',
  plugins: [replayPrefetchFirst()],
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: {
      input: {
        index: 'index.html',
        login: 'login.html',
        replay: 'replay.html',
        audit: 'audit.html',
        policy: 'policy.html',
        [PREFETCH]: 'src/pages/replay-prefetch.ts',
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
