/** The console's one API client: any 401 sends the person to the login page and back here afterwards. */
import { ApiClient } from './api';
import { takePrefetched } from './prefetch';
import { loginUrl } from './query';

export const BASE = import.meta.env.BASE_URL;
/** The recordings list. Linked by file name: the appliance answers the bare folder with a redirect that drops the query. */
export const LIST = `${BASE}index.html`;

export function goToLogin(): void {
  window.location.assign(loginUrl(window.location.pathname + window.location.search, BASE));
}

export const api = new ApiClient({
  onUnauthorized: goToLogin,
  // A request the page's first script already started (lib/prefetch.ts) is not sent twice.
  fetch: (input, init) => (typeof input === 'string' && takePrefetched(input, init)) || globalThis.fetch(input, init),
});
