import { defineConfig } from 'vitest/config';

// The appliance serves the built console from its classpath at /console/ (see README.md).
// Three plain pages, no client-side router: every screen has a real, bookmarkable URL.
export default defineConfig({
  base: '/console/',
  build: {
    outDir: '../target/classes/WEB/console',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    rolldownOptions: {
      input: {
        index: 'index.html',
        login: 'login.html',
        replay: 'replay.html',
      },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
