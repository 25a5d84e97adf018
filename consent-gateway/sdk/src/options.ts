import { type BannerText, DEFAULT_BANNER_TEXT } from './banner';
import type { SitePolicy } from './policy';

/**
 * Options of `Witness.init`, with safe defaults. The site policy (from the appliance, or `policy`) decides scope,
 * sampling, masking and console capture; the masking and console options here can only add to it.
 */
export interface WitnessOptions {
  /** Base URL of the appliance (`https://witness.example.internal`); batches go to `${endpoint}/ingest/v1/batches`. */
  endpoint: string;
  /** The site key the appliance issued for this site (sent as `Witness-Site-Key`). */
  siteKey: string;
  /** A batch closes this long after its first event (default 5000 ms). */
  batchIntervalMs?: number;
  /**
   * ... or when its events reach this many characters of JSON (default 512 Ki; a character is a byte of ASCII,
   * up to 3 bytes otherwise; a batch over the server's 16 MiB is sent as two).
   */
  maxBatchBytes?: number;
  /** Unsent batches kept in memory, in characters of JSON; over it the oldest are dropped (default 5 Mi). */
  maxQueueBytes?: number;
  /** A session without user activity for this long is replaced by a new one (default 30 min). */
  sessionIdleMs?: number;
  /** Show the SDK's consent banner when no consent is stored (default true); false for sites with their own CMP. */
  banner?: boolean;
  /** The banner's title and button labels (default English); the notice text comes from the policy. */
  bannerText?: Partial<BannerText>;
  /** The site policy; when given, the SDK does not fetch it from the appliance. */
  policy?: SitePolicy;
  /**
   * The visitor's region (e.g. `DE`, `US-CA`) when the page knows it; sent with a grant. Where the policy makes
   * it an opt-out region, the SDK's banner records at once and offers to opt out (the appliance checks the mode).
   */
  region?: string;
  /** Record every input value as `*` even where the policy lists input types (the policy's default is all). */
  maskAllInputs?: boolean;
  /** Elements whose text is recorded as `*` (besides the class `rr-mask` and the policy's `maskText`). */
  maskTextSelector?: string;
  /** Elements recorded as empty boxes (besides the class `rr-block` and the policy's `block`). */
  blockSelector?: string;
  /** Record console errors and warnings as far as the policy's `console` allows (default true). */
  captureConsole?: boolean;
  /** rrweb sampling; the default keeps rrweb's throttling (mousemove 50 ms, scroll 100 ms). */
  sampling?: Record<string, unknown>;
}

type Optional = 'maskTextSelector' | 'blockSelector' | 'sampling' | 'policy' | 'region' | 'maskAllInputs';
export type ResolvedOptions = Required<Omit<WitnessOptions, Optional | 'bannerText'>> &
  Pick<WitnessOptions, Optional> & { bannerText: BannerText };

export const DEFAULTS = {
  batchIntervalMs: 5_000,
  maxBatchBytes: 512 * 1024,
  maxQueueBytes: 5 * 1024 * 1024,
  sessionIdleMs: 30 * 60_000,
  banner: true,
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
  const bannerText = { ...DEFAULT_BANNER_TEXT, ...defined(options.bannerText ?? {}) };
  const resolved: ResolvedOptions = { ...DEFAULTS, ...defined(options), endpoint, bannerText };
  for (const key of ['batchIntervalMs', 'maxBatchBytes', 'maxQueueBytes', 'sessionIdleMs'] as const) {
    if (!(resolved[key] > 0)) throw new TypeError(`Witness.init: ${key} must be a positive number`);
  }
  return resolved;
}

/** The options without keys set to undefined, so that `{maskAllInputs: undefined}` keeps the default. */
function defined<T extends object>(options: T): T {
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as T;
}
