// Sentry with its default integrations plus Session Replay for every session (replay's defaults: mask all text,
// mask all inputs, block media, compression in a worker).
import { init, replayIntegration } from '@sentry/browser';

window.BenchSdk = {
  start({ dsn }) {
    init({ dsn, integrations: [replayIntegration()], replaysSessionSampleRate: 1, replaysOnErrorSampleRate: 1 });
  },
};
