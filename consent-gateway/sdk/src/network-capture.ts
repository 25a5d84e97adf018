/**
 * Network capture as an rrweb record plugin in rrweb's network plugin format (`rrweb/network@1`:
 * `{requests: [{url, initiatorType, status, startTime, endTime}]}`), only where the policy says
 * `network.capture: true` (default off).
 *
 * It reads the browser's Resource Timing entries of the page's own `fetch`, XHR and beacon requests through a
 * `PerformanceObserver`: nothing is wrapped, so it never sees a header or a body and adds no work to the page's
 * requests. URLs lose their query and fragment unless the policy keeps queries, and go through the PII mask; the
 * SDK's own requests to the appliance are left out. Bounded: at most 1,000 requests per page.
 */

export const NETWORK_PLUGIN = 'rrweb/network@1';
export const MAX_REQUESTS = 1_000;
const RECORDED_TYPES = new Set(['fetch', 'xmlhttprequest', 'beacon']);

export interface NetworkOptions {
  /** URLs starting with one of these are the SDK's own requests (the appliance's ingest and consent API). */
  ignorePrefixes: readonly string[];
  /** Makes a URL fit to keep (query strip, PII mask). */
  url: (url: string) => string;
}

export interface NetworkRequest {
  url: string;
  initiatorType: string;
  status?: number;
  startTime: number;
  endTime: number;
}

/** The rrweb record plugin. */
export function networkPlugin(options: NetworkOptions) {
  return { name: NETWORK_PLUGIN, observer: observeNetwork, options };
}

/** Starts recording `win`'s requests to `emit` (one record per observer callback); returns the stop function. */
export function observeNetwork(
  emit: (record: { requests: NetworkRequest[] }) => void,
  win: Window & typeof globalThis,
  { ignorePrefixes, url }: NetworkOptions,
): () => void {
  if (typeof win.PerformanceObserver !== 'function') return () => {};
  let recorded = 0;
  const observer = new win.PerformanceObserver((list) => {
    const requests: NetworkRequest[] = [];
    for (const entry of list.getEntries() as PerformanceResourceTiming[]) {
      if (recorded >= MAX_REQUESTS) break;
      if (!RECORDED_TYPES.has(entry.initiatorType) || ignorePrefixes.some((p) => entry.name.startsWith(p))) continue;
      recorded++;
      const status = (entry as { responseStatus?: number }).responseStatus;
      requests.push({
        url: url(entry.name),
        initiatorType: entry.initiatorType,
        ...(status ? { status } : {}),
        startTime: Math.round(entry.startTime),
        endTime: Math.round(entry.responseEnd || entry.startTime + entry.duration),
      });
    }
    if (requests.length > 0) emit({ requests });
  });
  try {
    observer.observe({ type: 'resource', buffered: false });
  } catch {
    return () => {}; // a browser without Resource Timing: nothing recorded
  }
  return () => observer.disconnect();
}
