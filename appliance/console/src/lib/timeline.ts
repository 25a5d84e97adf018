/**
 * Timeline geometry for the replay scrubber: where markers sit, how close markers of one kind merge into one (a rage
 * click is 5–7 clicks within a second: one marker "6 clicks", not a smudge), and which page is current.
 * Positions are percentages of the track width so the layout needs no pixel measurements except for merging.
 */
import type { RecordingDetail } from './types';

export type MarkerKind = 'click' | 'page' | 'error';

export interface MarkerItem {
  kind: MarkerKind;
  t: number;
  label: string;
}

export interface Marker {
  kind: MarkerKind;
  /** Time the marker seeks to: its first item. */
  t: number;
  /** Left edge position, 0–100 (% of the track). */
  left: number;
  items: MarkerItem[];
}

/** The position of time `t` on a track of `durationMs`, as a percentage clamped to 0–100. */
export function positionPct(t: number, durationMs: number): number {
  if (!Number.isFinite(t) || !(durationMs > 0)) return 0;
  return Math.min(100, Math.max(0, (t / durationMs) * 100));
}

/** The inverse of {@link positionPct}: the time under a pointer at `x` pixels on a track `width` pixels wide. */
export function timeAt(x: number, width: number, durationMs: number): number {
  if (!(width > 0) || !(durationMs > 0)) return 0;
  return Math.round(Math.min(1, Math.max(0, x / width)) * durationMs);
}

/** All marker items of a recording, in time order (stable: pages, then clicks, then errors at equal times). */
export function markerItems(detail: Pick<RecordingDetail, 'pages' | 'clicks' | 'errors'>): MarkerItem[] {
  const items: MarkerItem[] = [
    ...detail.pages.map((p) => ({ kind: 'page' as const, t: p.t, label: p.url })),
    ...detail.clicks.map((c) => ({ kind: 'click' as const, t: c.t, label: c.selector || `(${c.x}, ${c.y})` })),
    ...detail.errors.map((e) => ({ kind: 'error' as const, t: e.t, label: e.message })),
  ];
  return items.filter((i) => Number.isFinite(i.t)).sort((a, b) => a.t - b.t);
}

/**
 * Markers for a track `widthPx` wide: items of the same kind closer than `minGapPx` merge into one marker placed at
 * the first of them. Kinds never merge with each other (they are drawn on separate lanes).
 */
export function layoutMarkers(items: MarkerItem[], durationMs: number, widthPx: number, minGapPx = 6): Marker[] {
  const markers: Marker[] = [];
  const lastOfKind = new Map<MarkerKind, Marker>();
  const gapPct = widthPx > 0 ? (minGapPx / widthPx) * 100 : 0;
  for (const item of [...items].sort((a, b) => a.t - b.t)) {
    const left = positionPct(item.t, durationMs);
    const previous = lastOfKind.get(item.kind);
    if (previous && left - previous.left < gapPct) {
      previous.items.push(item);
      continue;
    }
    const marker: Marker = { kind: item.kind, t: item.t, left, items: [item] };
    markers.push(marker);
    lastOfKind.set(item.kind, marker);
  }
  return markers;
}

const NOUNS: Record<MarkerKind, [string, string]> = {
  click: ['Click', 'clicks'],
  page: ['Page', 'page loads'],
  error: ['Console error', 'console errors'],
};

/** A marker's one-line description for its tooltip and accessible name. */
export function markerTitle(marker: Marker): string {
  const [one, many] = NOUNS[marker.kind];
  if (marker.items.length === 1) return `${one}: ${marker.items[0]!.label}`;
  return `${marker.items.length} ${many}: ${marker.items[0]!.label}`;
}

/** Index of the last entry whose `t` is at or before `ms` (entries sorted by `t`), or -1. */
export function currentIndex(entries: { t: number }[], ms: number): number {
  let found = -1;
  for (let i = 0; i < entries.length; i++) {
    if (entries[i]!.t <= ms) found = i;
    else break;
  }
  return found;
}

/** The ms a keyboard key moves the scrubber to, or null for keys the scrubber does not handle. */
export function keyboardSeek(key: string, currentMs: number, durationMs: number, stepMs = 5000): number | null {
  const clamp = (v: number) => Math.min(durationMs, Math.max(0, v));
  switch (key) {
    case 'ArrowLeft':
    case 'ArrowDown':
      return clamp(currentMs - stepMs);
    case 'ArrowRight':
    case 'ArrowUp':
      return clamp(currentMs + stepMs);
    case 'PageDown':
      return clamp(currentMs - stepMs * 6);
    case 'PageUp':
      return clamp(currentMs + stepMs * 6);
    case 'Home':
      return 0;
    case 'End':
      return durationMs;
    default:
      return null;
  }
}

/** Fit-to-area scale of a `w`×`h` frame: never enlarges (1:1 when it fits), keeps the aspect ratio. */
export function fitScale(w: number, h: number, areaW: number, areaH: number): number {
  if (!(w > 0) || !(h > 0) || !(areaW > 0) || !(areaH > 0)) return 1;
  return Math.min(1, areaW / w, areaH / h);
}
