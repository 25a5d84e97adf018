// posthog-js with its defaults; session recording is switched on by the collector's remote config, and the
// recorder is lazy-loaded from the api host (/static/lazy-recorder.js), as posthog-js does by default.
import posthog from 'posthog-js';

window.BenchSdk = {
  start({ apiHost, token }) {
    posthog.init(token, { api_host: apiHost });
  },
};
