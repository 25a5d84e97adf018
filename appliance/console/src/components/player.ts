/**
 * The replay frame: rrweb's Replayer (2.2.2, which also plays 1.x and 2.0-alpha recordings) inside a box that is
 * scaled to fit the stage, keeping the aspect ratio and never enlarging (1:1 whenever it fits, always with
 * `noScale`). The recorded viewport may change mid-recording (rrweb emits `resize`); the box follows.
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

const META = 4;
const FULL_SNAPSHOT = 2;

/** Resolves after the browser has painted at least once more. */
export function nextPaint(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}

export class Player {
  readonly durationMs: number;
  width = 0;
  height = 0;
  scale = 1;
  private readonly replayer: Replayer;
  private readonly box: HTMLElement;
  private readonly host: HTMLElement;
  private readonly listeners = new Map<string, Set<Listener>>();
  private playingNow = false;
  private skipping = false;
  private ticking = false;

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
    this.durationMs = this.replayer.getMetaData().totalTime;
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

  /** Resolves once the first full snapshot has been rebuilt in the iframe (or after `timeoutMs` regardless). */
  firstSnapshot(timeoutMs = 3000): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.replayer.off('fullsnapshot-rebuilded', done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.replayer.on('fullsnapshot-rebuilded', done);
    });
  }

  on(event: 'time' | 'state' | 'resize' | 'skip', fn: Listener): void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(fn);
  }

  private emit(event: string): void {
    this.listeners.get(event)?.forEach((fn) => fn());
  }

  get playing(): boolean {
    return this.playingNow;
  }

  get skippingInactivity(): boolean {
    return this.skipping;
  }

  currentTime(): number {
    const t = this.replayer.getCurrentTime();
    return Math.min(this.durationMs, Math.max(0, Number.isFinite(t) ? t : 0));
  }

  play(): void {
    const t = this.currentTime();
    this.replayer.play(t >= this.durationMs ? 0 : t);
    this.syncState();
  }

  pause(): void {
    this.replayer.pause();
    this.syncState();
  }

  toggle(): void {
    if (this.playing) this.pause();
    else this.play();
  }

  /** Shows the frame at `ms` (0 to the end), staying in the current play state; resolves once it is painted. */
  async seek(ms: number): Promise<void> {
    // rrweb applies the events strictly before the target; at the very end, go one ms past the last event so that
    // it is applied too (the recording's final state, e.g. its last scroll, is what the end looks like).
    const t = Math.max(0, Math.round(ms)) >= this.durationMs ? this.durationMs + 1 : Math.max(0, Math.round(ms));
    if (this.playing) this.replayer.play(t);
    else this.replayer.pause(t);
    this.syncState();
    this.emit('time');
    await nextPaint();
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
