/**
 * Reads user activity out of an rrweb event array: the idle stretches the timeline shades, matching what rrweb's
 * `skipInactive` fast-forwards over (rrweb counts incremental events with sources 1–5, mouse move to input, as user
 * interaction, and skips gaps longer than its `inactivePeriodThreshold`, 10 s by default).
 */

interface RrwebEventLike {
  type: number;
  timestamp: number;
  data?: { source?: number };
}

export interface Period {
  start: number;
  end: number;
}

const INCREMENTAL_SNAPSHOT = 3;

function isUserInteraction(e: RrwebEventLike): boolean {
  const source = e.data?.source;
  return e.type === INCREMENTAL_SNAPSHOT && typeof source === 'number' && source >= 1 && source <= 5;
}

/** Gaps of at least `thresholdMs` without user interaction, in ms from the first event. */
export function inactivePeriods(events: readonly unknown[], thresholdMs = 10_000): Period[] {
  const list = events.filter(
    (e): e is RrwebEventLike => !!e && typeof e === 'object' && typeof (e as RrwebEventLike).timestamp === 'number',
  );
  if (list.length < 2) return [];
  const first = list[0]!.timestamp;
  const last = list[list.length - 1]!.timestamp;
  const periods: Period[] = [];
  let lastActive = first;
  for (const e of list) {
    if (!isUserInteraction(e)) continue;
    if (e.timestamp - lastActive >= thresholdMs) periods.push({ start: lastActive - first, end: e.timestamp - first });
    lastActive = Math.max(lastActive, e.timestamp);
  }
  if (last - lastActive >= thresholdMs) periods.push({ start: lastActive - first, end: last - first });
  return periods;
}
