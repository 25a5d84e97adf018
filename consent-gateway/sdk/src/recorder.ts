import { Batcher, splitBySize } from './batcher';
import { consolePluginOptions } from './console-capture';
import {
  buildEnvelope,
  envelopeOverhead,
  EventType,
  INGEST_PATH,
  MAX_DECOMPRESSED_BYTES,
  type RecordedEvent,
  joinedWithin,
  utf8Within,
} from './envelope';
import { identityJson, type Traits } from './identity';
import { maskEventPii, maskingOptions, type MaskingOptions } from './masking';
import type { ResolvedOptions } from './options';
import { networkPlugin } from './network-capture';
import { packEvent } from './packing';
import { maskPii } from './pii';
import { sampled, scope, type SitePolicy, stripQuery } from './policy';
import { Session } from './session';
import { Stylesheets } from './stylesheets';
import { KEEPALIVE_LIMIT, Transport, type TransportStats } from './transport';

/**
 * Glues rrweb to the batcher, the session and the transport, under a consent and a site policy.
 *
 * Invariants: nothing is recorded, stored or sent without a consent (`start(consent, policy)`); after
 * `discard()` nothing recorded before it is sent. Every batch belongs to the session that was current when its
 * events were recorded (the open batch is closed before a session is renewed), and a renewed session starts with
 * a Meta + FullSnapshot: incremental events between the renewal and that snapshot are dropped, since they could
 * not be replayed. Every batch carries the visitor id and the receipt it was recorded under; an identity from
 * `identify()` waits in memory for the next batch that closes.
 *
 * Scope: rrweb runs only while `location.pathname` is in the policy's scope. Every event checks the path (a page
 * that left the scope records nothing more; rrweb is stopped at the next task, not inside its own emit), and
 * history changes, `popstate` and `hashchange` restart rrweb (Meta + FullSnapshot) on an in-scope page.
 * Everything runs on the page's main thread; rrweb calls `onEvent` synchronously.
 */

/** The part of rrweb's `record` the recorder uses (rrweb's own function in production, a fake in tests). */
export interface RecordFn {
  (options: RrwebOptions): (() => void) | undefined;
  takeFullSnapshot(isCheckout?: boolean): void;
}

export interface RrwebOptions extends MaskingOptions {
  emit: (event: RecordedEvent, isCheckout?: boolean) => void;
  sampling?: Record<string, unknown>;
  slimDOMOptions: true;
  plugins: unknown[];
}

/** What capture runs under: the visitor id and receipt of a grant. */
export interface Consent {
  visitorId: string;
  receipt: string;
}

export interface RecorderDeps {
  record: RecordFn;
  consolePlugin: (options: ReturnType<typeof consolePluginOptions>) => unknown;
  fetch: typeof fetch;
  /** The tab's sessionStorage (the session); undefined where refused. */
  storage: Storage | undefined;
  random: () => number;
  /** Whether the browser has CompressionStream. */
  gzip: boolean;
}

export interface WitnessStats extends TransportStats {
  /** Events dropped because a single one exceeded the protocol's 16 MiB body limit. */
  droppedEvents: number;
}

/** Bytes kept free for the envelope around events (an envelope without identity takes a few hundred). */
const ENVELOPE_RESERVE = 1024;
/** rrweb incremental sources that count as user activity (as for the server's "active time"). */
const ACTIVITY_SOURCES = new Set([1, 2, 3, 5, 6, 12]);
/** Fired on window after `history.pushState` / `replaceState` (wrapped once per page, at the first capture). */
const LOCATION_CHANGE = 'witness:locationchange';
const NAVIGATION_EVENTS = ['popstate', 'hashchange', LOCATION_CHANGE];

export class Recorder {
  private readonly batcher: Batcher;
  private readonly transport: Transport;
  private session: Session | undefined;
  private consent: Consent | undefined;
  private policy: SitePolicy | undefined;
  private inScope: (path: string) => boolean = () => false;
  /** The identity's JSON until a batch carries it. */
  private identity: string | undefined;
  /** Capture is on (consent, policy, sampled); rrweb runs only while the page is also in scope. */
  private capturing = false;
  private stopRecording: (() => void) | undefined;
  private awaitingSnapshot = false;
  private droppedEvents = 0;
  private readonly stylesheets: Stylesheets;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly deps: RecorderDeps,
  ) {
    this.stylesheets = new Stylesheets(deps.storage);
    this.transport = new Transport({
      url: options.endpoint + INGEST_PATH,
      siteKey: options.siteKey,
      maxQueueBytes: options.maxQueueBytes,
      gzip: deps.gzip,
      fetch: deps.fetch,
      random: deps.random,
      stylesheets: this.stylesheets,
    });
    this.batcher = new Batcher(options.batchIntervalMs, options.maxBatchBytes, (events) => this.close(events));
  }

  /** The current session id; undefined before the first capture (nothing is stored before it). */
  sessionId(): string | undefined {
    return this.session?.id;
  }

  /** Puts the data subject on the next batch that closes, replacing one still waiting; throws a TypeError. */
  identify(subjectId: string, traits?: Traits): void {
    this.identity = identityJson(subjectId, traits);
  }

  /**
   * Starts capture under a consent and a policy: nothing happens for a visitor the policy's sampling leaves out;
   * rrweb runs while the page is in the policy's scope.
   */
  start(consent: Consent, policy: SitePolicy): void {
    if (this.capturing || !sampled(policy, this.options.siteKey, consent.visitorId)) return;
    this.capturing = true;
    this.consent = consent;
    this.policy = policy;
    this.stylesheets.learn(policy.stylesheets);
    this.inScope = scope(policy);
    const now = Date.now();
    if (!this.session) this.session = new Session(this.deps.storage, this.options.sessionIdleMs, now);
    else if (this.session.idle(now)) this.session.renew(now);
    watchHistory();
    window.addEventListener('pagehide', this.onHide);
    window.addEventListener('pageshow', this.onShow);
    document.addEventListener('visibilitychange', this.onVisibilityChange);
    for (const type of NAVIGATION_EVENTS) window.addEventListener(type, this.applyScope);
    this.applyScope();
  }

  /** Stops capture and sends what was recorded. */
  stop(): void {
    if (!this.capturing) return;
    this.capturing = false;
    this.stopRrweb();
    window.removeEventListener('pagehide', this.onHide);
    window.removeEventListener('pageshow', this.onShow);
    document.removeEventListener('visibilitychange', this.onVisibilityChange);
    for (const type of NAVIGATION_EVENTS) window.removeEventListener(type, this.applyScope);
  }

  /**
   * Consent withdrawn: stops capture at once and forgets every event and batch not yet sent, the session and
   * the waiting identity. A request already in flight finishes; nothing else is sent.
   */
  discard(): void {
    this.session = this.consent = this.identity = undefined; // from now on close() builds no batch
    this.batcher.take();
    this.stop();
    this.transport.clear();
    this.stylesheets.forget();
  }

  /** Closes the open batch; resolves once every batch had its request answered (or waits for a retry). */
  flush(): Promise<void> {
    this.batcher.close();
    return this.transport.idle();
  }

  stats(): WitnessStats {
    return { ...this.transport.stats, droppedEvents: this.droppedEvents };
  }

  /** Runs rrweb while capture is on and the page is in scope; stops it otherwise. */
  private readonly applyScope = (): void => {
    if (this.capturing && this.inScope(location.pathname)) this.startRrweb();
    else this.stopRrweb();
  };

  private startRrweb(): void {
    if (this.stopRecording) return;
    const { sampling, captureConsole } = this.options;
    const { capture = true, levels } = this.policy!.console ?? {};
    const piiText = this.policy!.masking?.piiText;
    this.awaitingSnapshot = false; // rrweb starts with Meta + FullSnapshot
    this.stopRecording =
      this.deps.record({
        emit: (event) => this.onEvent(event),
        ...maskingOptions(this.policy!, this.options),
        sampling,
        // Scripts, comments, favicons, the head's white space and its robots, social and http-equiv metas are not
        // recorded: a replay runs no script and shows none of them, and comments can hold what the page never shows.
        slimDOMOptions: true,
        plugins: [
          ...(captureConsole && capture
            ? [this.deps.consolePlugin(consolePluginOptions(levels, piiText === false ? undefined : maskPii))]
            : []),
          ...(this.policy!.network?.capture === true ? [networkPlugin(this.networkOptions())] : []),
        ],
      }) ?? (() => {});
  }

  /** Request URLs as the policy keeps them: no query unless kept, PII masked; the SDK's own left out. */
  private networkOptions() {
    const keepQuery = this.policy!.capture?.keepQuery === true;
    const pii = this.policy!.masking?.piiText !== false;
    return {
      ignorePrefixes: [`${this.options.endpoint}/ingest/`, `${this.options.endpoint}/consent/`],
      url: (url: string) => {
        const kept = keepQuery ? url : stripQuery(url);
        return pii ? maskPii(kept) : kept;
      },
    };
  }

  /** Stops rrweb and closes the open batch (its events were recorded in scope, under the consent). */
  private stopRrweb(): void {
    if (!this.stopRecording) return;
    this.stopRecording();
    this.stopRecording = undefined;
    this.batcher.close();
  }

  private onEvent(event: RecordedEvent): void {
    if (!this.inScope(location.pathname)) {
      setTimeout(this.applyScope, 0); // the page left the scope: record nothing more, stop rrweb outside its emit
      return;
    }
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
    if (this.policy!.masking?.piiText !== false) maskEventPii(event);
    if (event.type === EventType.Meta && !this.policy!.capture?.keepQuery) {
      const data = event.data as { href?: unknown };
      if (typeof data?.href === 'string') event = { ...event, data: { ...data, href: stripQuery(data.href) } };
    }
    const json = JSON.stringify(packEvent(event));
    if (!utf8Within(json, MAX_DECOMPRESSED_BYTES - ENVELOPE_RESERVE)) {
      this.droppedEvents++; // the server would refuse any batch holding it
      return;
    }
    this.batcher.add(json);
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
   * Closes a batch: it gets the session's next seq, the visitor id, the receipt and the waiting identity, and
   * goes to the transport. A batch that the identity would push over the server's 16 MiB leaves it to the next;
   * one over it without (only possible with a `maxBatchBytes` of millions) is closed as two halves.
   */
  private close(events: string[], send = true): void {
    const { session, consent } = this;
    if (!session || !consent) return; // discarded
    if (events.length > 1 && !joinedWithin(events, MAX_DECOMPRESSED_BYTES - ENVELOPE_RESERVE)) {
      const half = events.length >> 1;
      this.close(events.slice(0, half), send);
      this.close(events.slice(half), send);
      return;
    }
    const { visitorId, receipt } = consent;
    const header = { sessionId: session.id, seq: session.nextSeq(), sentAt: Date.now(), visitorId };
    let json = buildEnvelope({ ...header, identity: this.identity }, events);
    if (this.identity !== undefined) {
      if (utf8Within(json, MAX_DECOMPRESSED_BYTES)) this.identity = undefined; // this body (and its retries) carries it
      else json = buildEnvelope(header, events);
    }
    this.transport.enqueue({ json, size: json.length, consent: receipt }, send);
  }

  /** The page may be gone at the next task: send everything now, the open batch cut to keepalive size. */
  private readonly onHide = (): void => {
    const events = this.batcher.take();
    if (events.length > 0) {
      const header = { sessionId: this.session!.id, visitorId: this.consent!.visitorId };
      const overhead = envelopeOverhead(header);
      const first = envelopeOverhead({ ...header, identity: this.identity }); // the first part carries it
      for (const part of splitBySize(events, overhead, KEEPALIVE_LIMIT, first)) this.close(part, false);
    }
    this.transport.sendAllNow();
  };

  /** Back from the back/forward cache: later pages of the tab went on with the session and its seqs. */
  private readonly onShow = (event: PageTransitionEvent): void => {
    if (event.persisted) this.session?.resume();
  };

  private readonly onVisibilityChange = (): void => {
    if (document.visibilityState === 'hidden') this.onHide();
  };
}

/** Wraps `history.pushState` / `replaceState` once per page so that SPA navigations can be seen. */
function watchHistory(): void {
  const h = history as History & { witnessWatched?: boolean };
  if (h.witnessWatched) return;
  h.witnessWatched = true;
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = h[name];
    h[name] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      window.dispatchEvent(new Event(LOCATION_CHANGE));
    };
  }
}

function isActivity(event: RecordedEvent): boolean {
  if (event.type === EventType.Meta) return true;
  const source = (event.data as { source?: unknown } | null)?.source;
  return event.type === EventType.IncrementalSnapshot && ACTIVITY_SOURCES.has(source as number);
}
