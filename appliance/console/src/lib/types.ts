/** Values of the Witness HTTP API v1 (docs/api.md). Times are ISO-8601 UTC strings unless named `t`/`*Ms`. */

export type RecordingSource = 'live' | 'import';

export interface RecordingSummary {
  id: string;
  siteId: string;
  source: RecordingSource;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  activeMs: number;
  eventCount: number;
  pageCount: number;
  clickCount: number;
  errorCount: number;
  firstUrl: string;
  viewportWidth: number;
  viewportHeight: number;
}

/** `t` is milliseconds since the recording's first event. */
export interface PageVisit { t: number; url: string }
export interface Click { t: number; x: number; y: number; selector: string }
export interface ConsoleError { t: number; message: string }
export interface InputChange { t: number; selector: string }
export interface Viewport { t: number; width: number; height: number }

export interface RecordingDetail extends RecordingSummary {
  pages: PageVisit[];
  clicks: Click[];
  errors: ConsoleError[];
  inputs: InputChange[];
  viewports: Viewport[];
}

export interface RecordingPage {
  items: RecordingSummary[];
  nextCursor: string | null;
}

export interface Session {
  username: string;
  csrfToken: string;
}

/** RFC 9457 problem details, as every 4xx/5xx of the appliance carries. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  violations?: { field: string; message: string }[];
}

/** A recorded web property; `siteKey` is public (it is in the site's pages) and only routes batches. */
export interface Site {
  id: string;
  name: string;
  siteKey: string;
}

/** One saved version of a site's policy, as the versions list shows it. */
export interface PolicyVersion {
  siteId: string;
  version: number;
  /** SHA-256 (hex) of the document as saved. */
  sha256: string;
  createdAt: string;
  createdBy: string;
}

/** A version of a site's policy with its document: as saved (`document`) and with every default filled in. */
export interface SitePolicy extends PolicyVersion {
  document: string;
  normalised: string;
}

export interface PolicyValidation {
  valid: true;
  normalised: string;
}

/** The consent ledger of one notice version. `withdrawalRate` is a fraction (0–1). */
export interface ConsentNoticeStats {
  noticeVersion: string;
  grants: number;
  withdrawals: number;
  inForce: number;
  withdrawalRate: number;
  /** Grants given while the browser sent Global Privacy Control or Do Not Track. */
  withSignals: number;
  firstGrant: string;
  lastGrant: string;
}

export interface ConsentSummary {
  siteId: string;
  versions: ConsentNoticeStats[];
}

/** One consent record (the visitor appears only as a hash, never here). */
export interface ConsentRecord {
  consentId: string;
  grantedAt: string;
  expiresAt: string;
  policyVersion: number;
  noticeVersion: string;
  purposes: string[];
  method: string;
  gpc: boolean;
  dnt: boolean;
  region?: string;
  withdrawnAt?: string;
  withdrawalMethod?: string;
}

export interface ConsentPage {
  siteId: string;
  items: ConsentRecord[];
}

/** A PII incident: what the quarantine action took out of one batch (or import). Values are never sent. */
export interface PiiIncident {
  id: string;
  siteId: string;
  /** The live session, or the recording id of an import. */
  sessionId: string;
  seq: number;
  kinds: Record<string, number>;
  valueCount: number;
  policyVersion: number;
  raisedAt: string;
  status: 'open' | 'purged';
  resolvedAt: string | null;
  resolvedBy: string | null;
  note: string | null;
  valuesSealed: boolean;
}

export interface PiiIncidentPage {
  siteId: string;
  items: PiiIncident[];
}

/** A recording's events as a draft policy would admit them (POST /api/v1/policies/previews). */
export interface PolicyPreview {
  recordingId: string;
  summary: { events: number; dropped: number; masked: number; redacted: Record<string, number> };
  /** Elements the draft's rules match themselves; `page`: index of the full snapshot they belong to. */
  matches: PreviewMatch[];
  events: unknown[];
}

/** The draft the policy page hands to the replay page for a preview (kept in localStorage). */
export interface PreviewDraft {
  siteId: string;
  document: string;
  contentType: string;
}

export interface PreviewMatch {
  page: number;
  nodeId: number;
  rules: string[];
}
