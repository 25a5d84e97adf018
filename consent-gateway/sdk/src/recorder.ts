import { Batcher, splitBySize } from './batcher';
import { capConsoleEvent, consolePluginOptions } from './console-capture';
import {
  buildEnvelope,
  envelopeOverhead,
  EventType,
  INGEST_PATH,
  MAX_DECOMPRESSED_BYTES,
  type RecordedEvent,
  utf8Length,
} from './envelope';
import { identityJson, type Traits } from './identity';
import type { ResolvedOptions } from './options';
import { Session } from './session';
import { KEEPALIVE_LIMIT, Transport, type TransportStats } from './transport';
import { loadVisitorId } from './visitor';

/**
 * Glues rrweb to the batcher, the session and the transport.
 *
 * Invariants: every batch belongs to the session that was current when its events were recorded (the open batch
 * is closed before a session is renewed), and a renewed session starts with a Meta + FullSnapshot: incremental
 * events between the renewal and that snapshot are dropped, since they could not be replayed. Every batch
 * carries the visitor id; an identity from `identify()` waits in memory for the next batch that closes.
 * Everything runs on the page's main thread; rrweb calls `onEvent` synchronously.
 */

/** The part of rrweb's `record` the recorder uses (rrweb's own function in production, a fake in tests). */
export interface RecordFn {
  (options: RrwebOptions): (() => void) | undefined;
  takeFullSnapshot(isCheckout?: boolean): void;
}

export interface RrwebOptions {
  emit: (event: RecordedEvent, isCheckout?: boolean) => void;
  maskAllInputs: boolean;
  maskTextSelector?: string;
  blockSelector?: string;
  sampling?: Record<string, unknown>;
  plugins: unknown[];
}

export interface RecorderDeps {
  record: RecordFn;
  consolePlugin: (options: typeof consolePluginOptions) => unknown;
  fetch: typeof fetch;
  /** The tab's sessionStorage (the session); undefined where refused. */
  storage: Storage | undefined;
  /** The browser's localStorage (the visitor id); undefined where refused. */
  visitorStorage: Storage | undefined;
  random: () => number;
  /** Whether the browser has CompressionStream. */
  gzip: boolean;
}

export interface WitnessStats extends TransportStats {
  /** Events dropped because a single one exceeded the protocol's 16 MiB body limit. */
  droppedEvents: number;
}

/** rrweb incremental sources that count as user activity (as for the server's "active time"). */
const ACTIVITY_SOURCES = new Set([1, 2, 3, 5, 6, 12]);

export class Recorder {
  private readonly batcher: Batcher;
  private readonly transport: Transport;
  private session: Session | undefined;
  private visitor: string | undefined;
  /** The identity's JSON until a batch carries it. */
  private identity: string | undefined;
  private stopRecording: (() => void) | undefined;
  private awaitingSnapshot = false;
  private droppedEvents = 0;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly deps: RecorderDeps,
  ) {
    this.transport = new Transport({
      url: options.endpoint + INGEST_PATH,
      siteKey: options.siteKey,
      maxQueueBytes: options.maxQueueBytes,
      gzip: deps.gzip,
      fetch: deps.fetch,
      random: deps.random,
    });
    this.batcher = new Batcher(options.batchIntervalMs, options.maxBatchBytes, (events) => this.close(events));
  }

  /** The current session id; undefined before the first `start()` (nothing is stored before it). */
  sessionId(): string | undefined {
    return this.session?.id;
  }

  /** The visitor id; undefined before the first `start()`. */
  visitorId(): string | undefined {
    return this.visitor;
  }

  /** Puts the data subject on the next batch that closes, replacing one still waiting; throws a TypeError. */
  identify(subjectId: string, traits?: Traits): void {
    this.identity = identityJson(subjectId, traits);
  }

  start(): void {
    if (this.stopRecording) return;
    const now = Date.now();
    this.visitor ??= loadVisitorId([this.deps.visitorStorage, this.deps.storage]);
    if (!this.session) this.session = new Session(this.deps.storage, this.options.sessionIdleMs, now);
    else if (this.session.idle(now)) this.session.renew(now);
    this.awaitingSnapshot = false; // rrweb starts with Meta + FullSnapshot
    window.addEventListener('pagehide', this.onHide);
    document.addEventListener('visibilitychange', this.onVisibilityChange);
    const { maskAllInputs, maskTextSelector, blockSelector, sampling, captureConsole } = this.options;
    this.stopRecording =
      this.deps.record({
        emit: (event) => this.onEvent(event),
        maskAllInputs,
        maskTextSelector,
        blockSelector,
        sampling,
        plugins: captureConsole ? [this.deps.consolePlugin(consolePluginOptions)] : [],
      }) ?? (() => {});
  }

  /** Stops recording and sends what was recorded. */
  stop(): void {
    if (!this.stopRecording) return;
    this.stopRecording();
    this.stopRecording = undefined;
    window.removeEventListener('pagehide', this.onHide);
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    this.batcher.close();
  }

  /** Closes the open batch; resolves once every batch had its request answered (or waits for a retry). */
  flush(): Promise<void> {
    this.batcher.close();
    return this.transport.idle();
  }

  stats(): WitnessStats {
    return { ...this.transport.stats, droppedEvents: this.droppedEvents };
  }

  private onEvent(event: RecordedEvent): void {
    const session = this.session!;
    const now = Date.now();
    if (isActivity(event)) {
      if (session.idle(now)) this.renewSession(now);
      session.touch(now);
    }
    if (this.awaitingSnapshot) {
      if (event.type === EventType.FullSnapshot) this.awaitingSnapshot = false;
      else if (event.type === EventType.IncrementalSnapshot) return;
    }
    const json = JSON.stringify(event.type === EventType.Plugin ? capConsoleEvent(event) : event);
    const size = utf8Length(json);
    if (size > MAX_DECOMPRESSED_BYTES - 1024) {
      // the server would refuse any batch holding it (1 KiB: more than an envelope without identity needs)
      this.droppedEvents++;
      return;
    }
    this.batcher.add(json, size);
  }

  private renewSession(now: number): void {
    this.batcher.close(); // the open batch belongs to the old session
    this.session!.renew(now);
    this.awaitingSnapshot = true;
    // Not from inside rrweb's emit: rrweb is in the middle of delivering an event.
    setTimeout(() => {
      if (this.stopRecording) this.deps.record.takeFullSnapshot(true);
    }, 0);
  }

  /**
   * Closes a batch: it gets the session's next seq, the visitor id and the waiting identity, and goes to the
   * transport. A batch that the identity would push over the server's 16 MiB leaves it to the next one.
   */
  private close(events: string[], send = true): void {
    const session = this.session!;
    const header = { sessionId: session.id, seq: session.nextSeq(), sentAt: Date.now(), visitorId: this.visitor };
    let json = buildEnvelope({ ...header, identity: this.identity }, events);
    let bytes = utf8Length(json);
    if (this.identity !== undefined) {
      if (bytes <= MAX_DECOMPRESSED_BYTES) this.identity = undefined; // this body (and its retries) carries it
      else bytes = utf8Length((json = buildEnvelope(header, events)));
    }
    this.transport.enqueue({ json, bytes }, send);
  }

  /** The page may be gone at the next task: send everything now, the open batch cut to keepalive size. */
  private readonly onHide = (): void => {
    const { events, sizes } = this.batcher.take();
    if (events.length > 0) {
      const header = { sessionId: this.session!.id, visitorId: this.visitor };
      const overhead = envelopeOverhead(header);
      const first = envelopeOverhead({ ...header, identity: this.identity }); // the first part carries it
      for (const part of splitBySize(events, sizes, overhead, KEEPALIVE_LIMIT, first)) this.close(part, false);
    }
    this.transport.sendAllNow();
  };

  private readonly onVisibilityChange = (): void => {
    if (document.visibilityState === 'hidden') this.onHide();
  };
}

function isActivity(event: RecordedEvent): boolean {
  if (event.type === EventType.Meta) return true;
  const source = (event.data as { source?: unknown } | null)?.source;
  return event.type === EventType.IncrementalSnapshot && ACTIVITY_SOURCES.has(source as number);
}
