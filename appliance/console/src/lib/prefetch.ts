/**
 * Requests that a page starts before its main script has loaded, and the API client picks up instead of asking
 * again. The replay page's first page of events is one: `replay-prefetch.ts` starts it while the browser still
 * evaluates the player (≈100 ms on a 2-core appliance), so the events are there when the player is.
 *
 * Kept free of imports: it runs from the page's first, tiny script.
 */

/** Events in the replay page's first request: a Meta and the first full snapshot come first in a recording. */
export const FIRST_PAGE_EVENTS = 64;

/** The first page of a recording's events, as `ApiClient.recordingEvents` asks for it. */
export function firstEventsPath(id: string): string {
  return `/api/v1/recordings/${encodeURIComponent(id)}/events?${new URLSearchParams({ limit: String(FIRST_PAGE_EVENTS) })}`;
}

/** The headers every API call sends; a prefetched request must be the same request. */
export const API_HEADERS: Readonly<Record<string, string>> = { Accept: 'application/json, application/problem+json' };

type Store = Map<string, Promise<Response>>;

function store(): Store {
  const w = globalThis as { __witnessPrefetched?: Store };
  return (w.__witnessPrefetched ??= new Map());
}

/** Starts `GET url` now, for {@link takePrefetched} to hand over later. */
export function prefetch(url: string): void {
  const response = fetch(url, { headers: API_HEADERS, credentials: 'same-origin' });
  response.catch(() => undefined); // the taker sees the failure
  store().set(url, response);
}

/** The prefetched answer to `GET url`, once; undefined if there is none (or it was taken) or the call differs. */
export function takePrefetched(url: string, init?: RequestInit): Promise<Response> | undefined {
  if ((init?.method ?? 'GET') !== 'GET' || init?.body || init?.signal) return undefined;
  const s = store();
  const response = s.get(url);
  s.delete(url);
  return response;
}
