/**
 * The consent gate (consent-protocol.md): capture runs only under a consent receipt, and nothing is stored or
 * sent before one exists.
 *
 * Before consent the gate reads `witness.consent` from localStorage and the privacy signals, and, only when it
 * is about to show its banner or `grant()` is called, fetches the site policy (none with `options.policy`). A
 * grant creates the visitor id, POSTs the receipt request, stores `{visitorId, receipt, consentId, expiresAt,
 * policyVersion}` under `witness.consent` and starts capture; a stored, unexpired receipt starts capture on later
 * pages without asking. A refusal is not stored (so the banner asks again on the next page): storing it would
 * need a justification for consent-free storage. `withdraw()` discards capture synchronously, clears the
 * storage, then POSTs the withdrawal; other tabs of the site see the storage change and follow (both ways).
 *
 * Opt-out regions (the policy's `mode`/`regions` for `options.region`): with its banner the SDK grants at once
 * (method `opt-out`; the appliance refuses it where the region needs opt-in) and shows the notice with OK and
 * Opt out. Opting out (the button, or `withdraw()` while the mode is opt-out) withdraws and stores
 * `witness.optout`, so later pages neither record nor ask: a refusal of an opt-out must be remembered to be
 * honoured. Sites with their own consent tool call `grant(purposes, 'opt-out')` and keep the refusal themselves.
 *
 * Races: one grant at a time (a second call joins the first); a withdrawal counts as a new epoch, and a grant
 * answered after it neither stores nor starts anything but withdraws the receipt it got.
 */
import { removeBanner, showBanner } from './banner';
import type { ResolvedOptions } from './options';
import { blockingSignal, consentMode, type Signals, type SitePolicy } from './policy';
import type { Recorder } from './recorder';
import { ID_PATTERN, newSessionId, STORAGE_KEY } from './session';

export const CONSENT_KEY = 'witness.consent';
/** Stored when the visitor opts out where recording needs no prior grant (value `1`). */
export const OPT_OUT_KEY = 'witness.optout';

export type ConsentState = 'granted' | 'denied' | 'unknown' | 'blocked-by-signal';

/** What a grant stores under `witness.consent`. */
export interface StoredConsent {
  visitorId: string;
  receipt: string;
  consentId: string;
  expiresAt: string;
  policyVersion: number;
}

export interface GateDeps {
  fetch: typeof fetch;
  /** localStorage (the consent); undefined where refused: consent then lasts for this page. */
  local: Storage | undefined;
  /** sessionStorage (the session, cleared by a withdrawal). */
  tab: Storage | undefined;
  signals: Signals;
}

export class ConsentGate {
  private readonly base: string;
  private stored: StoredConsent | undefined;
  private policy: Promise<SitePolicy> | undefined;
  /** The signal that forbids recording under the policy, once the policy is known. */
  private blockedBy: string | undefined;
  /** Whether the visitor's region records without a prior grant, once the policy is known. */
  private optOutMode = false;
  private denied = false;
  private granting: Promise<void> | undefined;
  /** A receipt whose withdrawal has not reached the appliance yet: the next `withdraw()` tries again. */
  private unsentWithdrawal: { receipt: string; visitorId: string } | undefined;
  private epoch = 0;

  constructor(
    private readonly options: ResolvedOptions,
    private readonly recorder: Recorder,
    private readonly deps: GateDeps,
  ) {
    this.base = `${options.endpoint}/consent/v1/sites/${encodeURIComponent(options.siteKey)}/`;
    this.stored = readConsent(deps.local);
    if (this.stored) this.start();
    else if (options.banner && readItem(deps.local, OPT_OUT_KEY) === '1') this.denied = true;
    else if (options.banner) {
      this.loadPolicy().then((policy) => {
        if (this.state() !== 'unknown') return;
        const purposes = policy.consent.purposes;
        if (this.optOutMode) {
          // Recorded from now on; the notice says so and offers the refusal. A refused grant shows nothing.
          this.grant(purposes, 'opt-out').then(() => {
            showBanner(policy.consent.notice, options.bannerText, (ok) => ok || this.withdraw().catch(ignore), true);
          }, ignore);
          return;
        }
        showBanner(policy.consent.notice, options.bannerText, (accepted) => {
          if (accepted) this.grant(purposes, 'banner:accept').catch(ignore); // failed: records nothing
          else this.denied = true;
        });
      }, ignore);
    }
    window.addEventListener('storage', this.onStorage);
    window.addEventListener('pageshow', this.onShow);
  }

  state(): ConsentState {
    if (this.blockedBy) return 'blocked-by-signal';
    if (this.stored) return 'granted';
    return this.denied ? 'denied' : 'unknown';
  }

  /** The visitor id of the stored consent. */
  visitorId(): string | undefined {
    return this.stored?.visitorId;
  }

  /** Starts capture when a consent is stored and no signal forbids it under the policy; else does nothing. */
  start(): void {
    if (!this.stored) return;
    this.loadPolicy().then((policy) => {
      if (this.stored && !this.blockedBy) this.recorder.start(this.stored, policy);
    }, ignore);
  }

  /**
   * Records the visitor's consent (POST receipts), stores it and starts capture; rejects with the reason. The
   * method is `api` (the site's consent tool asked), `banner:accept` or `opt-out` (no prior grant: the appliance
   * accepts it only where the policy makes the visitor's region opt-out).
   */
  grant(purposes = ['replay'], method = 'api'): Promise<void> {
    return (this.granting ??= this.doGrant(purposes, method).finally(() => (this.granting = undefined)));
  }

  /** Stops capture now, forgets the stored consent and session, then POSTs the withdrawal. */
  async withdraw(): Promise<void> {
    const pending = this.stored ? { receipt: this.stored.receipt, visitorId: this.stored.visitorId }
      : this.unsentWithdrawal;
    this.forget();
    if (this.optOutMode && this.options.banner) writeItem(this.deps.local, OPT_OUT_KEY, '1');
    if (!pending) return;
    this.unsentWithdrawal = pending;
    // The visitor id lets the appliance erase this visitor's recordings when the policy says so.
    await this.post('withdrawals', { receipt: pending.receipt, visitorId: pending.visitorId, method: 'api' });
    this.unsentWithdrawal = undefined;
  }

  /** Stops listening to other tabs and takes its banner away (a new `init()` replaces this gate). */
  close(): void {
    window.removeEventListener('storage', this.onStorage);
    window.removeEventListener('pageshow', this.onShow);
    removeBanner();
  }

  private async doGrant(purposes: string[], method: string): Promise<void> {
    const epoch = this.epoch;
    const policy = await this.loadPolicy();
    if (this.blockedBy) throw new Error(`Witness.grant: this site does not record visitors who send ${this.blockedBy}`);
    const missing = (policy.consent.purposes ?? ['replay']).filter((p) => !purposes.includes(p));
    if (missing.length > 0) throw new TypeError(`Witness.grant: purposes must include ${missing.join(', ')}`);
    if (epoch !== this.epoch) throw withdrawn();
    if (!this.stored) {
      const visitorId = newSessionId();
      const { notice } = policy.consent;
      const answer = await this.post('receipts', {
        visitorId,
        purposes,
        method,
        policyVersion: policy.version,
        noticeVersion: notice.version,
        noticeSha256: notice.sha256,
        signals: this.deps.signals,
        region: this.options.region,
      });
      if (typeof answer?.receipt !== 'string') throw new Error('Witness.grant: the appliance sent no receipt');
      if (epoch !== this.epoch) {
        this.post('withdrawals', { receipt: answer.receipt, visitorId, method: 'api' }).catch(ignore);
        throw withdrawn();
      }
      const { receipt, consentId, expiresAt } = answer;
      this.stored = { visitorId, receipt, consentId, expiresAt, policyVersion: policy.version };
      // storage refused or full: the consent holds for this page only
      writeItem(this.deps.local, CONSENT_KEY, JSON.stringify(this.stored));
      if (method !== 'opt-out') removeItem(this.deps.local, OPT_OUT_KEY); // the visitor agreed after opting out
    }
    removeBanner();
    this.recorder.start(this.stored, policy);
  }

  /** The policy from the options, or fetched once (a failed fetch is tried again by the next caller). */
  private loadPolicy(): Promise<SitePolicy> {
    this.policy ??= (
      this.options.policy
        ? Promise.resolve(this.options.policy)
        : this.deps.fetch(`${this.base}policy`, { credentials: 'omit' }).then((r) => json(r, 'policy'))
    ).then(
      (policy: SitePolicy) => {
        this.blockedBy = blockingSignal(policy, this.deps.signals);
        this.optOutMode = consentMode(policy, this.options.region) === 'opt-out';
        return policy;
      },
      (error) => {
        this.policy = undefined;
        throw error;
      },
    );
    return this.policy;
  }

  private async post(path: string, body: object): Promise<Record<string, string> | undefined> {
    const send = (keepalive: boolean) =>
      this.deps.fetch(this.base + path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
        credentials: 'omit',
        keepalive, // may be refused while batches use the page's keepalive budget: then sent without it
      });
    return json(await send(true).catch(() => send(false)), path);
  }

  /** Withdrawn here or in another tab: capture stops at once and the stored consent and session go. */
  private forget(): void {
    this.epoch++;
    this.recorder.discard();
    removeBanner();
    this.stored = undefined;
    this.denied = true;
    removeItem(this.deps.local, CONSENT_KEY);
    removeItem(this.deps.tab, STORAGE_KEY);
  }

  /** Another tab of the site granted or withdrew. */
  /** Back from the back/forward cache: a later page of the tab may have withdrawn (or granted) meanwhile. */
  private readonly onShow = (event: PageTransitionEvent): void => {
    if (event.persisted) this.follow();
  };

  /** Another tab or page granted or withdrew. */
  private readonly onStorage = (event: StorageEvent): void => {
    if (event.key === CONSENT_KEY || event.key === null) this.follow();
  };

  /** Follows the stored consent: starts under one that appeared, forgets one that is gone. */
  private follow(): void {
    const stored = readConsent(this.deps.local);
    if (stored && !this.stored) {
      this.stored = stored;
      removeBanner();
      this.start();
    } else if (!stored && this.stored) this.forget();
  }
}

/** The stored consent if it is well-formed and unexpired; an expired or corrupt one is removed. */
export function readConsent(storage: Storage | undefined): StoredConsent | undefined {
  try {
    const raw = storage?.getItem(CONSENT_KEY);
    if (!raw) return undefined;
    const c = JSON.parse(raw) as Partial<StoredConsent> | null;
    const valid = c && ID_PATTERN.test(c.visitorId ?? '') && typeof c.receipt === 'string';
    if (valid && Date.parse(c.expiresAt!) > Date.now()) return c as StoredConsent;
    storage!.removeItem(CONSENT_KEY);
  } catch {
    // unreadable: as if nothing were stored
  }
  return undefined;
}

function readItem(storage: Storage | undefined, key: string): string | null {
  try {
    return storage?.getItem(key) ?? null;
  } catch {
    return null; // unreadable: as if nothing were stored
  }
}

function removeItem(storage: Storage | undefined, key: string): void {
  try {
    storage?.removeItem(key);
  } catch {
    // refused: nothing was stored there either
  }
}

function writeItem(storage: Storage | undefined, key: string, value: string): void {
  try {
    storage?.setItem(key, value);
  } catch {
    // refused or full: it holds for this page only
  }
}

async function json(response: Response, what: string) {
  if (!response.ok) throw new Error(`Witness: the appliance answered ${response.status} to ${what}`);
  return response.json();
}

function withdrawn(): Error {
  return new Error('Witness.grant: consent was withdrawn meanwhile');
}

function ignore(): void {}
