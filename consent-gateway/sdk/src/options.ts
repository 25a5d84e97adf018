/** Options of `Witness.init`, with safe defaults. */
export interface WitnessOptions {
  /** Base URL of the appliance (`https://witness.example.internal`); batches go to `${endpoint}/ingest/v1/batches`. */
  endpoint: string;
  /** The site key the appliance issued for this site (sent as `Witness-Site-Key`). */
  siteKey: string;
  /** A batch closes this long after its first event (default 5000 ms). */
  batchIntervalMs?: number;
  /** ... or when its events reach this many bytes of JSON (default 512 KiB). */
  maxBatchBytes?: number;
  /** Unsent batches kept in memory; over it the oldest are dropped (default 5 MiB). */
  maxQueueBytes?: number;
  /** A session without user activity for this long is replaced by a new one (default 30 min). */
  sessionIdleMs?: number;
  /** Record every input value as `*` (default true). */
  maskAllInputs?: boolean;
  /** Elements whose text is recorded as `*` (besides the class `rr-mask`). */
  maskTextSelector?: string;
  /** Elements recorded as empty boxes (besides the class `rr-block`). */
  blockSelector?: string;
  /** Record `console.error`/`console.warn`, uncaught errors and rejections (default true). */
  captureConsole?: boolean;
  /** rrweb sampling; the default keeps rrweb's throttling (mousemove 50 ms, scroll 100 ms). */
  sampling?: Record<string, unknown>;
}

export type ResolvedOptions = Required<Omit<WitnessOptions, 'maskTextSelector' | 'blockSelector' | 'sampling'>> &
  Pick<WitnessOptions, 'maskTextSelector' | 'blockSelector' | 'sampling'>;

export const DEFAULTS = {
  batchIntervalMs: 5_000,
  maxBatchBytes: 512 * 1024,
  maxQueueBytes: 5 * 1024 * 1024,
  sessionIdleMs: 30 * 60_000,
  maskAllInputs: true,
  captureConsole: true,
} as const;

/** Checks the options and fills in the defaults; throws a TypeError for a missing endpoint or site key. */
export function resolveOptions(options: WitnessOptions): ResolvedOptions {
  if (!options || typeof options.endpoint !== 'string' || options.endpoint === '') {
    throw new TypeError('Witness.init: endpoint is required');
  }
  if (typeof options.siteKey !== 'string' || options.siteKey === '') {
    throw new TypeError('Witness.init: siteKey is required');
  }
  const endpoint = options.endpoint.replace(/\/+$/, '');
  const resolved: ResolvedOptions = { ...DEFAULTS, ...defined(options), endpoint };
  for (const key of ['batchIntervalMs', 'maxBatchBytes', 'maxQueueBytes', 'sessionIdleMs'] as const) {
    if (!(resolved[key] > 0)) throw new TypeError(`Witness.init: ${key} must be a positive number`);
  }
  return resolved;
}

/** The options without keys set to undefined, so that `{maskAllInputs: undefined}` keeps the default. */
function defined(options: WitnessOptions): WitnessOptions {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as unknown as WitnessOptions;
}
