/**
 * The replay frame: rrweb's Replayer (2.2.2, which also plays 1.x and 2.0-alpha recordings) inside a box that is
 * scaled to fit the stage, keeping the aspect ratio and never enlarging (1:1 whenever it fits, always with
 * `noScale`). The recorded viewport may change mid-recording (rrweb emits `resize`); the box follows.
 *
 * The player starts with the first part of the events (enough for the first frame) and takes the rest with
 * {@link Player.append} while they stream in, then {@link Player.finish}. Until then, {@link Player.seek} waits for
 * the events up to its target and {@link Player.play} waits for all of them (rrweb would stop at the last event it
 * has), so neither ever shows a frame that is missing events.
 *
 * Time is in ms from the first event, like the API's `t`. Seeking paints synchronously in rrweb (events before the
 * target are applied to a virtual DOM and diffed into the iframe); {@link Player.seek} then waits two animation
 * frames so that the returned promise means "the frame at that time is on screen".
 */
import { Replayer } from 'rrweb';
import 'rrweb/dist/style.css';
import { fitScale } from '../lib/timeline';

export interface PlayerOptions {
  noScale: boolean;
  hideCursor: boolean;
  skipInactive: boolean;
  speed: number;
}

type Listener = () => void;

interface EventLike {
  type: number;
  timestamp: number;
  data?: { width?: number; height?: number };
}

interface Waiter {
  ms: number;
  resolve: () => void;
  reject: (e: Error) => void;
}

const META = 4;
const FULL_SNAPSHOT = 2;

/** Resolves after the browser has painted at least once more, and the frame after it has begun (two frames). */
export function nextPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}

/**
 * Resolves as soon as the next frame has been rendered: a message posted from an animation-frame callback is handled
 * after that frame's style, layout and paint (the usual way to time "the next paint" in a page).
 */
export function afterNextPaint(): Promise<void> {
  return new Promise((resolve) =>
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(undefined);
    }),
  );
}

export class Player {
  width = 0;
  height = 0;
  scale = 1;
  private readonly replayer: Replayer;
  private readonly box: HTMLElement;
  private readonly host: HTMLElement;
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly firstTimestamp: number;
  /** Offset of the first full snapshot, which rrweb builds by itself when it starts. */
  private readonly firstSnapshotMs: number;
  private readonly rebuilt: Promise<void>;
  private playingNow = false;
  private playWhenLoaded = false;
  private skipping = false;
  private ticking = false;
  /** Offset of the last event appended so far; everything up to it is in the Replayer. */
  private loadedMs: number;
  private complete = false;
  private loadError: Error | undefined;
  private waiters: Waiter[] = [];
  private seeks = 0;
  /** See {@link quickFirstSnapshotCss}; undone by {@link firstFrameShown}. */
  private quickCss: QuickCss | undefined;

  constructor(
    private readonly stage: HTMLElement,
    events: unknown[],
    private readonly options: PlayerOptions,
  ) {
    const list = events as EventLike[];
    if (!list.some((e) => e && e.type === FULL_SNAPSHOT)) {
      throw new Error('This recording has no full page snapshot, so there is nothing to replay.');
    }
    this.box = document.createElement('div');
    this.box.className = 'frame-box';
    this.host = document.createElement('div');
    this.host.className = 'frame-host';
    this.box.appendChild(this.host);
    stage.appendChild(this.box);
    if (options.hideCursor) stage.classList.add('hide-cursor');

    this.replayer = new Replayer(events as never[], {
      root: this.host,
      pauseAnimation: false,
      skipInactive: options.skipInactive,
      speed: options.speed,
      showWarning: false,
      showDebug: false,
      triggerFocus: true,
      UNSAFE_replayCanvas: false,
      mouseTail: options.hideCursor ? false : { duration: 600, lineCap: 'round', lineWidth: 2, strokeStyle: 'rgba(31, 86, 194, 0.45)' },
    });
    this.quickCss = quickFirstSnapshotCss(this.replayer, list.find((e) => e && e.type === FULL_SNAPSHOT));
    const { startTime, totalTime } = this.replayer.getMetaData();
    this.firstTimestamp = startTime;
    this.firstSnapshotMs = list.find((e) => e && e.type === FULL_SNAPSHOT)!.timestamp - startTime;
    this.loadedMs = totalTime;
    // rrweb sizes the frame and rebuilds the first full snapshot on timers (0 and 1 ms).
    this.rebuilt = new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.replayer.off('fullsnapshot-rebuilded', done);
        resolve();
      };
      const timer = setTimeout(done, 3000);
      this.replayer.on('fullsnapshot-rebuilded', done);
    });
    const meta = list.find((e) => e && e.type === META);
    this.setSize(meta?.data?.width ?? 1024, meta?.data?.height ?? 768);

    this.replayer.on('resize', (d) => {
      const { width, height } = d as { width: number; height: number };
      this.setSize(width, height);
    });
    this.replayer.on('state-change', () => this.syncState());
    this.replayer.on('finish', () => this.syncState());
    this.replayer.on('skip-start', () => this.setSkipping(true));
    this.replayer.on('skip-end', () => this.setSkipping(false));
    new ResizeObserver(() => this.layout()).observe(stage);
  }

  /** Duration in ms (of the events appended so far, until {@link finish}). */
  get durationMs(): number {
    return this.replayer.getMetaData().totalTime;
  }

  /** Offset in ms up to which the events are loaded. */
  get loadedUntilMs(): number {
    return this.complete ? this.durationMs : this.loadedMs;
  }

  /**
   * Builds the first frame, at `ms` (the events up to `ms` must be there); resolves once it is in the iframe, to be
   * painted with the next frame. The seek waits for rrweb's own start (the first snapshot, and the first viewport
   * size, which would otherwise override the size at `ms`).
   */
  async firstFrame(ms: number): Promise<void> {
    await this.rebuilt;
    const target = Math.max(0, Math.round(ms));
    // rrweb's start has built the first full snapshot; a seek to a time up to it would build the same frame again
    // (≈70 ms for a large page).
    if (target <= this.firstSnapshotMs) {
      this.emit('time');
    } else {
      // A later frame is built by applying events to the first snapshot, and rrweb builds nothing again when it
      // plays on from there: the sheets must be the complete ones from the start.
      this.firstFrameShown();
      this.seekNow(target);
    }
  }

  /**
   * The first frame is on screen: from now on rrweb adapts style sheets itself again, and if the first frame's
   * sheets had `:hover` rules, its next pass over the first full snapshot rebuilds it with them (≈70 ms, when the
   * person plays or seeks, not before the first frame).
   */
  firstFrameShown(): void {
    const quick = this.quickCss;
    this.quickCss = undefined;
    if (!quick) return;
    for (const text of quick.seeded) quick.cache.delete(text);
    if (quick.hover) (this.replayer as unknown as ReplayerInternals).firstFullSnapshot = true;
  }

  /** Appends the next events (in timestamp order, after those given so far). */
  append(events: unknown[]): void {
    for (const e of events) {
      this.replayer.addEvent(e as never);
      const t = (e as EventLike).timestamp - this.firstTimestamp;
      if (t > this.loadedMs) this.loadedMs = t;
    }
    // rrweb takes added events in on a microtask; waiting seeks go on after it.
    queueMicrotask(() => this.wake());
  }

  /** All events have been appended: waiting seeks go on, a waiting play starts. */
  finish(): void {
    this.complete = true;
    // After rrweb has taken in the events appended last (a microtask).
    queueMicrotask(() => {
      this.wake();
      if (this.playWhenLoaded) this.play();
    });
  }

  /** The rest of the events could not be loaded: waiting seeks reject with `error`, play stays off. */
  loadFailed(error: Error): void {
    this.loadError = error;
    this.playWhenLoaded = false;
    this.wake();
    this.emit('state');
  }

  private loadedThrough(ms: number): Promise<void> {
    if (this.complete || this.loadedMs >= ms) return Promise.resolve();
    if (this.loadError) return Promise.reject(this.loadError);
    return new Promise((resolve, reject) => this.waiters.push({ ms, resolve, reject }));
  }

  private wake(): void {
    this.waiters = this.waiters.filter((w) => {
      if (this.complete || this.loadedMs >= w.ms) w.resolve();
      else if (this.loadError) w.reject(this.loadError);
      else return true;
      return false;
    });
  }

  on(event: 'time' | 'state' | 'resize' | 'skip', fn: Listener): void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(fn);
  }

  private emit(event: string): void {
    this.listeners.get(event)?.forEach((fn) => fn());
  }

  /** Playing, or waiting for the rest of the events to play. */
  get playing(): boolean {
    return this.playingNow || this.playWhenLoaded;
  }

  get skippingInactivity(): boolean {
    return this.skipping;
  }

  /** The replayed document's node with an rrweb node id; null when the current page has none. */
  nodeById(id: number): Node | null {
    return (this.replayer.getMirror().getNode(id) as Node | null) ?? null;
  }

  currentTime(): number {
    const t = this.replayer.getCurrentTime();
    return Math.min(this.durationMs, Math.max(0, Number.isFinite(t) ? t : 0));
  }

  play(): void {
    if (this.loadError) return;
    if (!this.complete) {
      this.playWhenLoaded = true;
      this.emit('state');
      return;
    }
    this.playWhenLoaded = false;
    const t = this.currentTime();
    this.replayer.play(t >= this.durationMs ? 0 : t);
    this.syncState();
  }

  pause(): void {
    if (this.playWhenLoaded) {
      this.playWhenLoaded = false;
      this.emit('state');
    }
    this.replayer.pause();
    this.syncState();
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  /**
   * Shows the frame at `ms` (0 to the end), staying in the current play state; resolves once it is painted. Waits
   * for the events up to `ms`; of seeks waiting at the same time, the last one called wins.
   */
  async seek(ms: number): Promise<void> {
    const target = Math.max(0, Math.round(ms));
    const seek = ++this.seeks;
    await this.loadedThrough(target);
    if (seek === this.seeks) this.seekNow(target);
    await nextPaint();
  }

  private seekNow(target: number): void {
    // rrweb applies the events strictly before the target; at the very end, go one ms past the last event so that
    // it is applied too (the recording's final state, e.g. its last scroll, is what the end looks like).
    const t = this.complete && target >= this.durationMs ? this.durationMs + 1 : target;
    if (this.playingNow) this.replayer.play(t);
    else this.replayer.pause(t);
    this.syncState();
    this.emit('time');
  }

  setSpeed(speed: number): void {
    this.replayer.setConfig({ speed });
  }

  setSkipInactive(skip: boolean): void {
    this.replayer.setConfig({ skipInactive: skip });
    if (!skip) this.setSkipping(false);
  }

  private setSkipping(on: boolean): void {
    if (this.skipping === on) return;
    this.skipping = on;
    this.emit('skip');
  }

  private syncState(): void {
    const playing = this.replayer.service.state.matches('playing');
    if (playing !== this.playingNow) {
      this.playingNow = playing;
      this.emit('state');
      if (playing) this.tick();
    }
    this.emit('time');
  }

  /** One time update per animation frame while playing. */
  private tick(): void {
    if (this.ticking) return;
    this.ticking = true;
    const loop = () => {
      this.emit('time');
      if (this.playingNow) requestAnimationFrame(loop);
      else this.ticking = false;
    };
    requestAnimationFrame(loop);
  }

  private setSize(width: number, height: number): void {
    if (!(width > 0 && height > 0)) return;
    this.width = width;
    this.height = height;
    this.layout();
    this.emit('resize');
  }

  /** Sizes the box to the scaled frame; a scale of exactly 1 uses no transform, so pixels stay pixels. */
  layout(): void {
    const style = getComputedStyle(this.stage);
    const padX = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    const padY = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    this.scale = this.options.noScale
      ? 1
      : fitScale(this.width, this.height, this.stage.clientWidth - padX, this.stage.clientHeight - padY);
    this.box.style.width = `${Math.floor(this.width * this.scale)}px`;
    this.box.style.height = `${Math.floor(this.height * this.scale)}px`;
    this.host.style.width = `${this.width}px`;
    this.host.style.height = `${this.height}px`;
    this.host.style.transform = this.scale === 1 ? '' : `scale(${this.scale})`;
    this.emit('resize');
  }
}

/** The parts of rrweb 2.2.2's Replayer that {@link quickFirstSnapshotCss} uses (not its public API). */
interface ReplayerInternals {
  cache?: { stylesWithHoverClass?: unknown };
  /** The full snapshot rrweb built when it started, so that it skips building it again; `true` once used. */
  firstFullSnapshot?: unknown;
}

interface QuickCss {
  cache: Map<string, string>;
  seeded: string[];
  /** Some seeded sheet has `:hover` rules, which the quick form leaves out. */
  hover: boolean;
}

interface SnapshotNode {
  type?: number;
  isStyle?: boolean;
  textContent?: unknown;
  attributes?: Record<string, unknown>;
  childNodes?: SnapshotNode[];
}

const MEDIA_DEVICE = /(max|min)-device-(width|height)/g;

/**
 * Speeds up the first frame: rrweb passes every style sheet of a full snapshot through postcss, to turn device-size
 * media queries into viewport ones and to add a class-based copy of each `:hover` rule (so that a replayed mouse can
 * show hover states). For a sheet like jQuery UI's that takes ≈40 ms on a 2-core appliance, before anything is
 * shown; a first frame shows no hover state, so it does not need the copies. This puts each sheet of the first full
 * snapshot in rrweb's own cache of adapted sheets with only the media-query rewrite (the same regular expression as
 * rrweb's), and {@link Player.firstFrameShown} takes the entries out again. Does nothing if this rrweb has no such
 * cache (another version).
 */
function quickFirstSnapshotCss(replayer: Replayer, snapshot: unknown): QuickCss | undefined {
  const internals = replayer as unknown as ReplayerInternals;
  const cache = internals.cache?.stylesWithHoverClass;
  const root = (snapshot as { data?: { node?: SnapshotNode } } | undefined)?.data?.node;
  if (!(cache instanceof Map) || !('firstFullSnapshot' in internals) || !root) return undefined;
  const quick: QuickCss = { cache: cache as Map<string, string>, seeded: [], hover: false };
  const seed = (text: unknown) => {
    if (typeof text !== 'string' || !text || quick.cache.has(text)) return;
    quick.cache.set(text, text.replace(MEDIA_DEVICE, '$1-$2'));
    quick.seeded.push(text);
    quick.hover ||= text.includes(':hover');
  };
  const stack: SnapshotNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.isStyle) seed(n.textContent);
    seed(n.attributes?._cssText);
    if (n.childNodes) stack.push(...n.childNodes);
  }
  return quick;
}
