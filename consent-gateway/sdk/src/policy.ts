/**
 * The site policy (consent-protocol.md §1) as far as the browser uses it, and the rules the SDK applies with
 * it: URL scope, per-visitor sampling, the query strip and the privacy signals.
 *
 * A policy fetched from the appliance carries every field; one passed in the options may leave fields out, and
 * then the strict default applies (signals honoured, every input masked, PII masked, query stripped).
 */

export interface SitePolicy {
  version: number;
  consent: {
    gpc?: 'do-not-record' | 'ignore';
    dnt?: 'do-not-record' | 'ignore';
    /** What a grant must include for capture to start (default `['replay']`). */
    purposes?: string[];
    notice: { version: string; language?: string; text: string; sha256: string };
    /** Consent mode where `regions` names none for the visitor (default opt-in). */
    mode?: ConsentMode;
    /** Per-region modes (`DE`, `US-CA`, `EU`); the admin chooses opt-out only for some regions. */
    regions?: Record<string, ConsentMode>;
    [other: string]: unknown; // eraseOnWithdrawal, receiptDays: the appliance's business
  };
  capture?: { allow?: string[]; deny?: string[]; sampling?: number; keepQuery?: boolean };
  masking?: { inputs?: 'all' | string[]; maskText?: string[]; block?: string[]; unmask?: string[]; piiText?: boolean };
  console?: { capture?: boolean; levels?: string[] };
  /** SHA-256 hashes of stylesheets the appliance holds for the site: sent as references (stylesheets.ts). */
  stylesheets?: string[];
  /** Request URLs and timings of the page's fetch/XHR/beacon requests (default off; never headers or bodies). */
  network?: { capture?: boolean };
  [other: string]: unknown;
}

export type ConsentMode = 'opt-in' | 'opt-out';

/** The consent mode for a visitor from `region` (unknown: the policy's mode); anything but opt-out is opt-in. */
export function consentMode(policy: SitePolicy, region: string | undefined): ConsentMode {
  const { mode, regions = {} } = policy.consent;
  const chosen = region !== undefined && Object.prototype.hasOwnProperty.call(regions, region) ? regions[region] : mode;
  return chosen === 'opt-out' ? 'opt-out' : 'opt-in';
}

/** The privacy signals the browser sends. */
export interface Signals {
  gpc: boolean;
  dnt: boolean;
}

/** Reads Global Privacy Control and Do Not Track (only the value `'1'` counts as on). */
export function readSignals(nav: Partial<Pick<Navigator, 'doNotTrack'>> & { globalPrivacyControl?: unknown }): Signals {
  return { gpc: nav.globalPrivacyControl === true, dnt: nav.doNotTrack === '1' };
}

/** The name of the signal that forbids recording under this policy (for error messages), or undefined. */
export function blockingSignal(policy: SitePolicy, signals: Signals): string | undefined {
  const { gpc = 'do-not-record', dnt = 'do-not-record' } = policy.consent;
  if (signals.gpc && gpc === 'do-not-record') return 'Global Privacy Control';
  if (signals.dnt && dnt === 'do-not-record') return 'Do Not Track';
  return undefined;
}

/**
 * A path glob as a RegExp: `*` matches within one segment, `**` across segments; a trailing `/**` also matches
 * the path without it (`/checkout/**` matches `/checkout`), and a `**` between two slashes may also stand for
 * no segment at all (so that `/a/` `**` `/b` matches `/a/b` as well as `/a/x/y/b`).
 */
export function globRegExp(glob: string): RegExp {
  const source = glob.replace(/\/\*\*$|\/\*\*\/|\*\*|\*|[.+?^${}()|[\]\\]/g, (m) =>
    m === '/**' ? '(/.*)?' : m === '/**/' ? '(/.*)?/' : m === '**' ? '.*' : m === '*' ? '[^/]*' : '\\' + m,
  );
  return new RegExp(`^${source}$`);
}

/** The policy's URL scope as a test of `location.pathname`: allowed by some allow glob and by no deny glob. */
export function scope(policy: SitePolicy): (path: string) => boolean {
  const allow = (policy.capture?.allow ?? ['/**']).map(globRegExp);
  const deny = (policy.capture?.deny ?? []).map(globRegExp);
  return (path) => allow.some((re) => re.test(path)) && !deny.some((re) => re.test(path));
}

/** FNV-1a, 32 bits, over the UTF-8 bytes of `s` (an unsigned 32-bit number). */
export function fnv1a32(s: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(s)) h = Math.imul(h ^ byte, 0x01000193);
  return h >>> 0;
}

/** Whether this visitor is recorded: `fnv1a32(siteKey + ":" + visitorId) / 2^32 < sampling` (default 1). */
export function sampled(policy: SitePolicy, siteKey: string, visitorId: string): boolean {
  return fnv1a32(`${siteKey}:${visitorId}`) / 2 ** 32 < (policy.capture?.sampling ?? 1);
}

/** The URL without its `?query` and `#fragment`. */
export function stripQuery(url: string): string {
  return url.replace(/[?#][^]*$/, '');
}
