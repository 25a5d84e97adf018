/**
 * The replay scrubber: a slider (mouse, touch and keyboard) over the recording's duration, shaded idle stretches,
 * the part of the recording loaded so far (while it streams in), and three lanes of markers (page loads, clicks,
 * console errors) with distinct colours and shapes. Clicking a marker seeks to it. Markers are re-laid out when the
 * track width changes, so nearby ones merge instead of overlapping.
 */
import type { Period } from '../lib/activity';
import { h } from '../lib/dom';
import { formatClock } from '../lib/time';
import { keyboardSeek, layoutMarkers, markerTitle, positionPct, timeAt, type MarkerItem, type MarkerKind } from '../lib/timeline';

export interface TimelineOptions {
  durationMs: number;
  items: MarkerItem[];
  onSeek: (ms: number) => void;
}

export const LANES: { kind: MarkerKind; label: string }[] = [
  { kind: 'page', label: 'Page load' },
  { kind: 'click', label: 'Click' },
  { kind: 'error', label: 'Console error' },
];

export class Timeline {
  readonly el: HTMLElement;
  private readonly track: HTMLElement;
  private readonly rail: HTMLElement;
  private readonly progress: HTMLElement;
  private readonly unloaded: HTMLElement;
  private readonly handle: HTMLElement;
  private readonly hover: HTMLElement;
  private readonly lanes: Map<MarkerKind, HTMLElement>;
  private dragging = false;
  private timeMs = 0;
  private laidOutWidth = -1;
  private durationMs: number;

  constructor(private readonly options: TimelineOptions) {
    this.durationMs = options.durationMs;
    this.progress = h('div', { class: 'track-progress' });
    this.unloaded = h('div', { class: 'track-unloaded' });
    this.rail = h('div', { class: 'track-rail' }, this.unloaded, this.progress);
    this.handle = h('div', { class: 'track-handle' });
    this.hover = h('div', { class: 'track-hover', 'aria-hidden': 'true', hidden: true });
    this.track = h(
      'div',
      {
        class: 'track',
        role: 'slider',
        tabindex: '0',
        'aria-label': 'Playback position',
        'aria-valuemin': '0',
        'aria-valuemax': String(Math.round(this.durationMs / 1000)),
        'aria-valuenow': '0',
      },
      this.rail,
      this.handle,
      this.hover,
    );
    this.lanes = new Map(LANES.map((l) => [l.kind, h('div', { class: `lane lane-${l.kind}`, role: 'group', 'aria-label': `${l.label}s` })]));
    this.el = h('div', { class: 'timeline' }, h('div', { class: 'lanes' }, ...this.lanes.values()), this.track);

    this.track.addEventListener('pointerdown', (e) => this.pointerDown(e));
    this.track.addEventListener('pointermove', (e) => this.pointerMove(e));
    this.track.addEventListener('pointerup', (e) => this.pointerUp(e));
    this.track.addEventListener('pointercancel', () => (this.dragging = false));
    this.track.addEventListener('pointerleave', () => (this.hover.hidden = true));
    this.track.addEventListener('keydown', (e) => {
      const target = keyboardSeek(e.key, this.timeMs, this.durationMs);
      if (target === null) return;
      e.preventDefault();
      e.stopPropagation();
      this.setTime(target);
      options.onSeek(target);
    });
    new ResizeObserver(() => this.layoutMarkers()).observe(this.el);
    this.setTime(0);
  }

  /** The recording's final duration, once all its events are loaded. */
  setDuration(ms: number): void {
    if (ms === this.durationMs) return;
    this.durationMs = ms;
    this.track.setAttribute('aria-valuemax', String(Math.round(ms / 1000)));
    this.laidOutWidth = -1;
    this.layoutMarkers();
    this.paint(this.timeMs);
  }

  /** How far the recording is loaded (ms); the rest of the rail is paler until it is. */
  setLoaded(ms: number): void {
    this.unloaded.style.width = `${100 - positionPct(ms, this.durationMs)}%`;
  }

  /** Shades the stretches without user activity. */
  setInactive(periods: Period[]): void {
    this.rail.querySelectorAll('.track-idle').forEach((el) => el.remove());
    for (const p of periods) {
      const el = h('div', { class: 'track-idle', title: `Inactive ${formatClock(p.start)}–${formatClock(p.end)}` });
      el.style.left = `${positionPct(p.start, this.durationMs)}%`;
      el.style.width = `${positionPct(p.end - p.start, this.durationMs)}%`;
      this.rail.insertBefore(el, this.progress);
    }
  }

  /** Moves the playhead (ignored while the person drags it). */
  setTime(ms: number): void {
    if (this.dragging) return;
    this.paint(ms);
  }

  private paint(ms: number): void {
    this.timeMs = ms;
    const pct = positionPct(ms, this.durationMs);
    this.progress.style.width = `${pct}%`;
    this.handle.style.left = `${pct}%`;
    this.track.setAttribute('aria-valuenow', String(Math.floor(ms / 1000)));
    this.track.setAttribute('aria-valuetext', `${formatClock(ms)} of ${formatClock(this.durationMs)}`);
  }

  private timeFor(e: PointerEvent): number {
    const rect = this.track.getBoundingClientRect();
    return timeAt(e.clientX - rect.left, rect.width, this.durationMs);
  }

  private pointerDown(e: PointerEvent): void {
    if (e.button !== 0) return;
    this.dragging = true;
    this.track.setPointerCapture(e.pointerId);
    this.track.focus({ preventScroll: true });
    this.paint(this.timeFor(e));
  }

  private pointerMove(e: PointerEvent): void {
    const t = this.timeFor(e);
    const rect = this.track.getBoundingClientRect();
    this.hover.hidden = false;
    this.hover.textContent = formatClock(t);
    this.hover.style.left = `${Math.min(rect.width, Math.max(0, e.clientX - rect.left))}px`;
    if (this.dragging) this.paint(t);
  }

  private pointerUp(e: PointerEvent): void {
    if (!this.dragging) return;
    this.dragging = false;
    const t = this.timeFor(e);
    this.paint(t);
    this.options.onSeek(t);
  }

  private layoutMarkers(): void {
    const width = this.track.clientWidth;
    if (width === this.laidOutWidth || width === 0) return;
    this.laidOutWidth = width;
    for (const lane of this.lanes.values()) lane.replaceChildren();
    for (const m of layoutMarkers(this.options.items, this.durationMs, width, 7)) {
      const title = markerTitle(m);
      const button = h(
        'button',
        {
          type: 'button',
          class: `marker marker-${m.kind}${m.items.length > 1 ? ' marker-multi' : ''}`,
          'aria-label': `${formatClock(m.t)} ${title}`,
          onclick: () => this.options.onSeek(m.t),
        },
        h('span', { class: 'marker-shape', 'aria-hidden': 'true' }),
        h('span', { class: 'marker-tip', role: 'tooltip' }, h('span', { class: 'marker-tip-time' }, formatClock(m.t)), ' ', title),
      );
      button.style.left = `${m.left}%`;
      if (m.left > 70) button.classList.add('tip-left');
      else if (m.left > 30) button.classList.add('tip-center');
      this.lanes.get(m.kind)!.appendChild(button);
    }
  }
}
