/**
 * Witness recorder SDK: `window.Witness` in the IIFE build.
 *
 * ```html
 * <script src="/witness/sdk/witness.js"></script>
 * <script>
 *   // shows the consent banner, or resumes capture where the visitor already agreed
 *   Witness.init({ endpoint: 'https://witness.example.internal', siteKey: 'site_123' });
 *   Witness.identify('customer-4711', { plan: 'pro' }); // optional: names the data subject
 * </script>
 * ```
 * Sites with their own consent tool pass `banner: false` and call `Witness.grant()` / `Witness.withdraw()`.
 */
import { record } from '@rrweb/record';
import { ConsentGate, type ConsentState } from './consent';
import { consolePlugin } from './console-capture';
import type { Traits, TraitValue } from './identity';
import { resolveOptions, type WitnessOptions } from './options';
import { readSignals, type SitePolicy } from './policy';
import { Recorder, type RecordFn, type WitnessStats } from './recorder';
import { tabStorage } from './session';

export type { ConsentState, SitePolicy, Traits, TraitValue, WitnessOptions, WitnessStats };

let recorder: Recorder | undefined;
let gate: ConsentGate | undefined;

/**
 * Configures the SDK. Stores and sends nothing by itself: with a stored, unexpired consent it resumes capture
 * (fetching the policy first, unless `options.policy` has it); without one it shows the banner (`banner`,
 * default true; the policy is fetched for its notice) or waits for `grant()`.
 */
export function init(options: WitnessOptions): void {
  const resolved = resolveOptions(options);
  gate?.close();
  recorder?.stop();
  const fetchNow: typeof fetch = (input, requestInit) => fetch(input, requestInit); // the page's fetch, unbound
  const tab = tabStorage(); // one lookup for both
  recorder = new Recorder(resolved, {
    record: record as unknown as RecordFn, // rrweb's generic signature, narrowed to what the recorder passes
    consolePlugin,
    fetch: fetchNow,
    storage: tab,
    random: Math.random,
    gzip: typeof CompressionStream === 'function',
  });
  gate = new ConsentGate(resolved, recorder, {
    fetch: fetchNow,
    local: localStore(),
    tab,
    signals: readSignals(navigator),
  });
}

/**
 * Starts capture if consent exists (a stored receipt or an earlier `grant()`), e.g. after `stop()`; without
 * consent it does nothing (it neither asks nor records). Throws before `init()`.
 */
export function start(): void {
  configured().start();
}

/** Stops capture and sends what was recorded (the consent stays: `start()` resumes). */
export function stop(): void {
  recorder?.stop();
}

/**
 * Records the visitor's consent for `purposes` (POST to the appliance, with a new visitor id), stores it and
 * starts capture. Rejects, recording nothing, when a privacy signal the policy honours is on, when the purposes
 * lack one the policy requires, or when the appliance refuses; resolves at once when a consent is stored.
 * `method` `'opt-out'`: the visitor was told and did not refuse, in a region the policy makes opt-out (the
 * appliance refuses it elsewhere); the site's consent tool then keeps the visitor's refusal itself.
 */
export function grant(purposes?: string[], method?: 'api' | 'opt-out'): Promise<void> {
  return gate ? gate.grant(purposes, method) : notInitialised('grant'); // the appliance refuses other methods (400)
}

/**
 * Withdraws consent: capture stops at once, unsent batches are dropped, `witness.consent` and the tab's session
 * are removed, then the withdrawal is POSTed with the receipt (rejects when it does not get through: call again).
 */
export function withdraw(): Promise<void> {
  return gate ? gate.withdraw() : notInitialised('withdraw');
}

/** `granted`, `denied` (rejected or withdrawn on this page), `unknown` or `blocked-by-signal` (GPC/DNT). */
export function consent(): ConsentState {
  return gate?.state() ?? 'unknown';
}

/** Closes the open batch and resolves once every batch's request was answered (or is waiting for a retry). */
export function flush(): Promise<void> {
  return recorder ? recorder.flush() : Promise.resolve();
}

/** The tab's session id, or undefined before capture. */
export function sessionId(): string | undefined {
  return recorder?.sessionId();
}

/** The browser's anonymous visitor id, made by the grant; undefined without consent. */
export function visitorId(): string | undefined {
  return gate?.visitorId();
}

/**
 * Names the data subject of this visitor's recordings, with optional traits, on the next batch sent (kept in
 * memory until then, also before consent; never stored in the browser; dropped by a withdrawal). A second call
 * before that batch replaces the first. Throws a TypeError on bad arguments, an Error before `init()`.
 */
export function identify(subjectId: string, traits?: Traits): void {
  if (!recorder) throw new Error('Witness.init() must be called before Witness.identify()');
  recorder.identify(subjectId, traits);
}

/** Counters of sent, rejected, dropped and retried batches and dropped events. */
export function stats(): WitnessStats | undefined {
  return recorder?.stats();
}

function configured(): ConsentGate {
  if (!gate) throw new Error('Witness.init() must be called before Witness.start()');
  return gate;
}

function notInitialised(call: string): Promise<never> {
  return Promise.reject(new Error(`Witness.init() must be called before Witness.${call}()`));
}

/** The browser's localStorage, or undefined where the browser refuses access to it. */
function localStore(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
