/**
 * Page URLs of the console and how they map to API queries. Everything a page shows is in its URL, so any view can
 * be bookmarked, reloaded or sent to a colleague.
 *
 * Recordings list (`index.html`): `from`, `to` = ISO-8601 instants; `page` = a page path visited (exact: URLs are
 * stored encrypted and found by blind index; a pasted URL is reduced to its path by the server);
 * `minDuration`, `maxDuration` = whole seconds; `errors=1` = only recordings with console errors.
 * Replay (`replay.html`): `id` = recording id; `t` = second to open at (paused); `scale=1` = never scale the frame;
 * `chrome=0` = show only the replay frame, at the top-left corner.
 */

export interface RecordingFilters {
  /** ISO-8601 instant or ''. */
  from: string;
  /** ISO-8601 instant or ''. */
  to: string;
  /** A page path visited, matched exactly, or ''. */
  page: string;
  minDurationS: number | null;
  maxDurationS: number | null;
  hasError: boolean;
}

export const EMPTY_FILTERS: Readonly<RecordingFilters> = Object.freeze({
  from: '',
  to: '',
  page: '',
  minDurationS: null,
  maxDurationS: null,
  hasError: false,
});

export const PAGE_SIZE = 50;

function instant(value: string | null): string {
  if (!value) return '';
  const d = new Date(value);
  return /^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(d.getTime()) ? d.toISOString() : '';
}

/** A non-negative whole number of seconds, or null for anything else. */
export function parseSeconds(value: string | null | undefined): number | null {
  if (value == null || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? Math.floor(n) : null;
}

function truthy(value: string | null): boolean {
  return value === '1' || value === 'true' || value === 'yes';
}

/** Reads the filters from a page URL's query string; anything malformed is ignored, not an error. */
export function filtersFromSearch(search: string): RecordingFilters {
  const q = new URLSearchParams(search);
  return {
    from: instant(q.get('from')),
    to: instant(q.get('to')),
    page: (q.get('page') ?? '').trim(),
    minDurationS: parseSeconds(q.get('minDuration')),
    maxDurationS: parseSeconds(q.get('maxDuration')),
    hasError: truthy(q.get('errors')),
  };
}

/** The page URL query string for filters ('' when none is set), in a stable order. */
export function filtersToSearch(f: RecordingFilters): string {
  const q = new URLSearchParams();
  if (f.from) q.set('from', f.from);
  if (f.to) q.set('to', f.to);
  if (f.page.trim()) q.set('page', f.page.trim());
  if (f.minDurationS != null) q.set('minDuration', String(f.minDurationS));
  if (f.maxDurationS != null) q.set('maxDuration', String(f.maxDurationS));
  if (f.hasError) q.set('errors', '1');
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** The query parameters of `GET /api/v1/recordings` for filters and an optional cursor. */
export function filtersToApiQuery(f: RecordingFilters, cursor?: string | null, limit = PAGE_SIZE): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.from) q.from = f.from;
  if (f.to) q.to = f.to;
  if (f.page.trim()) q.page = f.page.trim();
  if (f.minDurationS != null) q.minDurationMs = String(f.minDurationS * 1000);
  if (f.maxDurationS != null) q.maxDurationMs = String(f.maxDurationS * 1000);
  if (f.hasError) q.hasError = 'true';
  q.limit = String(limit);
  if (cursor) q.cursor = cursor;
  return q;
}

export function hasActiveFilters(f: RecordingFilters): boolean {
  return filtersToSearch(f) !== '';
}

/** Problems a person should fix before the filters are applied (empty when valid). */
export function validateFilters(f: RecordingFilters): string[] {
  const errors: string[] = [];
  if (f.from && f.to && Date.parse(f.from) > Date.parse(f.to)) errors.push('"From" must be before "To".');
  if (f.minDurationS != null && f.maxDurationS != null && f.minDurationS > f.maxDurationS) {
    errors.push('The minimum duration must not exceed the maximum.');
  }
  return errors;
}

export interface ReplayParams {
  id: string;
  /** Where to open, in ms from the first event (0 when absent or invalid). */
  startMs: number;
  /** `scale=1`: render the frame at 1:1 even when it does not fit. */
  noScale: boolean;
  /** `chrome=0`: only the replay frame, at the top-left corner. */
  chrome: boolean;
  /** Replay as a draft policy (kept by the policy page) would admit the recording: `preview=1`. */
  preview: boolean;
}

/** Reads `replay.html`'s query string; `id` is '' when missing (the page shows an error). */
export function parseReplayParams(search: string): ReplayParams {
  const q = new URLSearchParams(search);
  const t = Number(q.get('t') ?? '');
  return {
    id: (q.get('id') ?? '').trim(),
    startMs: q.get('t') && Number.isFinite(t) && t > 0 ? Math.round(t * 1000) : 0,
    noScale: q.get('scale') === '1',
    chrome: q.get('chrome') !== '0',
    preview: q.get('preview') === '1',
  };
}

/** A link that opens a recording paused at a whole second (`replay.html?id=..&t=..`), resolved against `pageUrl`. */
export function replayLink(pageUrl: string, id: string, ms?: number): string {
  const url = new URL('replay.html', pageUrl);
  url.searchParams.set('id', id);
  if (ms !== undefined) url.searchParams.set('t', String(Math.max(0, Math.floor(ms / 1000))));
  return url.toString();
}

/**
 * Where to go after signing in: `next` when it is a path inside the console, otherwise the recordings list
 * (`<base>index.html`). Refusing other targets keeps the login page from being an open redirect.
 */
export function safeNext(next: string | null, base = '/console/'): string {
  const list = `${base}index.html`;
  if (!next || !next.startsWith(base) || next.startsWith('//') || /[\\\u0000-\u001f]/.test(next)) return list;
  try {
    const resolved = new URL(next, 'https://appliance.invalid');
    if (resolved.origin !== 'https://appliance.invalid' || !resolved.pathname.startsWith(base)) return list;
    const page = resolved.pathname.slice(base.length);
    if (page.startsWith('login.html')) return list;
    // The bare folder is answered with a redirect that drops the query: name the page.
    return (page === '' ? list : resolved.pathname) + resolved.search + resolved.hash;
  } catch {
    return list;
  }
}

/** The login page URL that brings the person back to `current` (a path + query inside the console). */
export function loginUrl(current: string, base = '/console/'): string {
  const next = safeNext(current, base);
  return next === `${base}index.html` ? `${base}login.html` : `${base}login.html?next=${encodeURIComponent(next)}`;
}
