/**
 * Network requests out of an rrweb event array: the `rrweb/network@1` plugin events the recorder SDK writes where
 * the site policy captures the network (URL without query, status, timings; never headers or bodies).
 */

export interface NetworkRequest {
  /** When the browser reported it (the request had ended), in ms from the first event. */
  t: number;
  url: string;
  /** `fetch`, `xmlhttprequest` or `beacon`. */
  kind: string;
  /** HTTP status, where the browser reports it (0 or absent: unknown, e.g. a cross-origin request). */
  status?: number;
  durationMs?: number;
}

const PLUGIN = 6;

/** The recorded requests in event order. */
export function networkRequests(events: readonly unknown[]): NetworkRequest[] {
  let first: number | undefined;
  const out: NetworkRequest[] = [];
  for (const e of events) {
    const event = e as { type?: unknown; timestamp?: unknown; data?: { plugin?: unknown; payload?: { requests?: unknown } } };
    if (typeof event?.timestamp !== 'number') continue;
    first ??= event.timestamp;
    if (event.type !== PLUGIN || typeof event.data?.plugin !== 'string' || !event.data.plugin.startsWith('rrweb/network')) continue;
    const requests = event.data.payload?.requests;
    if (!Array.isArray(requests)) continue;
    for (const r of requests as Array<Record<string, unknown>>) {
      if (typeof r?.url !== 'string') continue;
      const start = r.startTime;
      const end = r.endTime;
      out.push({
        t: event.timestamp - first,
        url: r.url,
        kind: typeof r.initiatorType === 'string' ? r.initiatorType : 'request',
        ...(typeof r.status === 'number' && r.status > 0 ? { status: r.status } : {}),
        ...(typeof start === 'number' && typeof end === 'number' && end >= start ? { durationMs: Math.round(end - start) } : {}),
      });
    }
  }
  return out;
}
