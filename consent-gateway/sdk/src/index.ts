/**
 * Witness recorder SDK: `window.Witness` in the IIFE build.
 *
 * ```html
 * <script src="/witness/sdk/witness.js"></script>
 * <script>
 *   Witness.init({ endpoint: 'https://witness.example.internal', siteKey: 'site_123' });
 *   Witness.start(); // only once the visitor agreed
 *   Witness.identify('customer-4711', { plan: 'pro' }); // optional: names the data subject
 * </script>
 * ```
 */
import { record } from '@rrweb/record';
import { getRecordConsolePlugin } from '@rrweb/rrweb-plugin-console-record';
import type { Traits, TraitValue } from './identity';
import { resolveOptions, type WitnessOptions } from './options';
import { Recorder, type RecordFn, type WitnessStats } from './recorder';
import { tabStorage } from './session';
import { browserStorage } from './visitor';

export type { Traits, TraitValue, WitnessOptions, WitnessStats };

let recorder: Recorder | undefined;

/** Configures the SDK. Records nothing, stores nothing and sends nothing by itself. */
export function init(options: WitnessOptions): void {
  const resolved = resolveOptions(options);
  recorder?.stop();
  recorder = new Recorder(resolved, {
    record: record as unknown as RecordFn, // rrweb's generic signature, narrowed to what the recorder passes
    consolePlugin: getRecordConsolePlugin,
    fetch: (input, requestInit) => fetch(input, requestInit), // the page's fetch at call time, called unbound
    storage: tabStorage(),
    visitorStorage: browserStorage(),
    random: Math.random,
    gzip: typeof CompressionStream === 'function',
  });
}

/** Starts (or resumes) recording; call it only when capture is allowed. */
export function start(): void {
  configured().start();
}

/** Stops recording and sends what was recorded. */
export function stop(): void {
  recorder?.stop();
}

/** Closes the open batch and resolves once every batch's request was answered (or is waiting for a retry). */
export function flush(): Promise<void> {
  return recorder ? recorder.flush() : Promise.resolve();
}

/** The tab's session id, or undefined before `start()`. */
export function sessionId(): string | undefined {
  return recorder?.sessionId();
}

/** The browser's anonymous visitor id, or undefined before `start()`. */
export function visitorId(): string | undefined {
  return recorder?.visitorId();
}

/**
 * Names the data subject of this visitor's recordings, with optional traits, on the next batch sent (kept in
 * memory until then, also before `start()`; never stored in the browser). A second call before that batch
 * replaces the first. Throws a TypeError on bad arguments, an Error before `init()`.
 */
export function identify(subjectId: string, traits?: Traits): void {
  if (!recorder) throw new Error('Witness.init() must be called before Witness.identify()');
  recorder.identify(subjectId, traits);
}

/** Counters of sent, rejected, dropped and retried batches and dropped events. */
export function stats(): WitnessStats | undefined {
  return recorder?.stats();
}

function configured(): Recorder {
  if (!recorder) throw new Error('Witness.init() must be called before Witness.start()');
  return recorder;
}
