/**
 * Typed client for the Witness HTTP API v1 (docs/api.md).
 *
 * Contract: every call resolves with the parsed body or rejects with an {@link ApiError} that carries an RFC 9457
 * problem (synthesised when the answer was not problem+json, e.g. a proxy's HTML 502 or a network failure, which
 * gets status 0). Calls send the session cookie (`credentials: 'same-origin'`); state-changing calls also send
 * `X-CSRF-Token`. A 401 calls `onUnauthorized` (by default: go to the login page, coming back afterwards) unless
 * the call opts out, as the login page's own calls do.
 */
import { JsonArrayReader, NotAnArrayError } from './json-array';
import { API_HEADERS } from './prefetch';
import type {
  ConsentPage,
  ConsentSummary,
  PiiIncident,
  PiiIncidentPage,
  PolicyPreview,
  PolicyValidation,
  PolicyVersion,
  Problem,
  RecordingDetail,
  RecordingPage,
  Session,
  Site,
  SitePolicy,
} from './types';

export class ApiError extends Error {
  readonly problem: Problem;

  constructor(problem: Problem) {
    super(problemMessage(problem));
    this.name = 'ApiError';
    this.problem = problem;
  }

  get status(): number {
    return this.problem.status;
  }
}

/** The sentence to show a person for a problem: its `detail`, else its `title`, plus field violations. */
export function problemMessage(problem: Problem): string {
  const base = problem.detail?.trim() || problem.title?.trim() || fallbackTitle(problem.status);
  const violations = (problem.violations ?? []).map((v) => `${v.field}: ${v.message}`);
  return violations.length ? `${base} (${violations.join('; ')})` : base;
}

function fallbackTitle(status: number): string {
  if (status === 0) return 'The appliance cannot be reached. Check the network connection and try again.';
  if (status === 401) return 'Your session has ended. Please sign in again.';
  if (status === 403) return 'You do not have permission to do this.';
  if (status === 404) return 'Not found.';
  if (status >= 500) return `The appliance could not complete the request (HTTP ${status}).`;
  return `The request failed (HTTP ${status}).`;
}

/** Reads a failed response as a problem, whatever its content type. Never throws. */
export async function readProblem(res: Response): Promise<Problem> {
  const synthesised: Problem = { type: 'about:blank', title: fallbackTitle(res.status), status: res.status };
  const type = res.headers.get('content-type') ?? '';
  if (!/json/i.test(type)) return synthesised;
  try {
    const body: unknown = await res.json();
    if (!body || typeof body !== 'object') return synthesised;
    const p = body as Partial<Problem>;
    return {
      ...p,
      type: typeof p.type === 'string' ? p.type : 'about:blank',
      title: typeof p.title === 'string' && p.title ? p.title : synthesised.title,
      status: typeof p.status === 'number' ? p.status : res.status,
      detail: typeof p.detail === 'string' ? p.detail : undefined,
      violations: Array.isArray(p.violations) ? p.violations : undefined,
    } as Problem;
  } catch {
    return synthesised;
  }
}

/** The value of a cookie in a `document.cookie` string, if present. */
export function cookieValue(cookies: string, name: string): string | undefined {
  for (const part of cookies.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export interface ApiClientOptions {
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Prefix of every API path; defaults to the appliance root. */
  baseUrl?: string;
  /** Called on any 401 of a call that did not opt out. */
  onUnauthorized?: () => void;
  /** Reads `document.cookie` (for the `witness_csrf` cookie); injectable for tests. */
  cookies?: () => string;
}

export interface AuditEntry {
  seq: number;
  time: string;
  actorType: string;
  actor: string;
  ip: string | null;
  userAgent: string | null;
  action: string;
  outcome: 'success' | 'failure' | 'denied';
  resourceType: string | null;
  resourceId: string | null;
  site: string | null;
  reason: string | null;
  note: string | null;
  leafHash: string;
}

export interface RecordingIntegrity {
  status: 'verified' | 'altered' | 'pending';
  manifestDigest: string | null;
  auditSeq: number | null;
  signed: boolean;
}

export interface AuditPage {
  items: AuditEntry[];
  nextBeforeSeq: number | null;
}

export interface AuditCheckpoint {
  treeSize: number;
  rootHash: string;
  note: string;
  verifierKey: string;
}

export interface AuditVerification {
  ok: boolean;
  entries: number;
  checkpoints: number;
  firstBadSeq: number | null;
  result: string;
}

interface CallOptions {
  query?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Sent as it is, with its own content type (a policy document is YAML or JSON text). */
  text?: { content: string; contentType: string };
  signal?: AbortSignal;
  /** Lets the request outlive the page (sent while the viewer leaves it). */
  keepalive?: boolean;
  /** When false, a 401 rejects like any other error instead of calling `onUnauthorized`. */
  redirectOn401?: boolean;
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** How much of a streamed body {@link ApiClient.recordingEvents} parses at a time. */
const PIECE_CHARS = 1 << 16;

export class ApiClient {
  private readonly fetchFn: typeof fetch;
  private readonly baseUrl: string;
  private readonly onUnauthorized: () => void;
  private readonly cookies: () => string;
  private csrfToken: string | undefined;

  constructor(options: ApiClientOptions = {}) {
    this.fetchFn = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.baseUrl = options.baseUrl ?? '';
    this.onUnauthorized = options.onUnauthorized ?? (() => undefined);
    this.cookies = options.cookies ?? (() => (typeof document === 'undefined' ? '' : document.cookie));
  }

  /** The signed-in user, or an ApiError with status 401. Never redirects. */
  async me(): Promise<Session> {
    const session = await this.json<Session>('GET', '/api/v1/auth/me', { redirectOn401: false });
    this.csrfToken = session.csrfToken;
    return session;
  }

  /** Signs in; a wrong password rejects with the server's problem (no redirect). */
  async login(username: string, password: string): Promise<Session> {
    const session = await this.json<Session>('POST', '/api/v1/auth/login', {
      body: { username, password },
      redirectOn401: false,
    });
    this.csrfToken = session.csrfToken;
    return session;
  }

  async logout(): Promise<void> {
    await this.call('POST', '/api/v1/auth/logout', { redirectOn401: false });
    this.csrfToken = undefined;
  }

  listRecordings(query: Record<string, string>, signal?: AbortSignal): Promise<RecordingPage> {
    return this.json<RecordingPage>('GET', '/api/v1/recordings', { query, signal });
  }

  /** Audit log entries, newest first (`actor`, `action`, `resource` = type:id, `from`, `to`, `beforeSeq`, `limit`). */
  auditEntries(query: Record<string, string>): Promise<AuditPage> {
    return this.json<AuditPage>('GET', '/api/v1/audit/entries', { query });
  }

  auditCheckpoint(): Promise<AuditCheckpoint> {
    return this.json<AuditCheckpoint>('GET', '/api/v1/audit/checkpoints/latest');
  }

  verifyAudit(): Promise<AuditVerification> {
    return this.json<AuditVerification>('POST', '/api/v1/audit/verifications');
  }

  /** The sites of the appliance. */
  sites(): Promise<Site[]> {
    return this.json<Site[]>('GET', '/api/v1/sites');
  }

  /** A site's policy in force: its latest version, with the document as saved and with every default filled in. */
  sitePolicy(siteId: string): Promise<SitePolicy> {
    return this.json<SitePolicy>('GET', `/api/v1/sites/${encodeURIComponent(siteId)}/policy`);
  }

  /** Every saved version of a site's policy, newest first (without the documents). */
  policyVersions(siteId: string): Promise<PolicyVersion[]> {
    return this.json<PolicyVersion[]>('GET', `/api/v1/sites/${encodeURIComponent(siteId)}/policy/versions`);
  }

  policyVersion(siteId: string, version: number): Promise<SitePolicy> {
    return this.json<SitePolicy>('GET', `/api/v1/sites/${encodeURIComponent(siteId)}/policy/versions/${version}`);
  }

  /** Checks a policy document without saving it; an invalid one rejects with a 400 problem listing every problem. */
  validatePolicy(document: string, contentType: string): Promise<PolicyValidation> {
    return this.json<PolicyValidation>('POST', '/api/v1/policies/validations', { text: { content: document, contentType } });
  }

  /** Saves a policy document as the site's next version (audited); an invalid one rejects like a validation. */
  savePolicy(siteId: string, document: string, contentType: string): Promise<SitePolicy> {
    return this.json<SitePolicy>('PUT', `/api/v1/sites/${encodeURIComponent(siteId)}/policy`, {
      text: { content: document, contentType },
    });
  }

  /** A recording's events as a draft policy would admit them (nothing saved; audited as a read of the recording). */
  previewPolicy(recordingId: string, document: string, contentType: string): Promise<PolicyPreview> {
    return this.json<PolicyPreview>('POST', '/api/v1/policies/previews', {
      query: { recording: recordingId },
      text: { content: document, contentType },
    });
  }

  /** The consent ledger of a site per notice version (audited read). */
  consentSummary(siteId: string): Promise<ConsentSummary> {
    return this.json<ConsentSummary>('GET', '/api/v1/consents/summary', { query: { site: siteId } });
  }

  /** The latest consent records of a site, newest first (audited read). */
  consents(siteId: string, limit: number): Promise<ConsentPage> {
    return this.json<ConsentPage>('GET', '/api/v1/consents', { query: { site: siteId, limit: String(limit) } });
  }

  /** PII incidents of a site (the quarantine action's findings: kinds and counts, never a value; audited read). */
  incidents(siteId: string, status: 'open' | 'purged' | 'all', limit: number): Promise<PiiIncidentPage> {
    return this.json<PiiIncidentPage>('GET', '/api/v1/incidents', { query: { site: siteId, status, limit: String(limit) } });
  }

  /** Purges an open incident: its sealed values are deleted (audited). */
  purgeIncident(siteId: string, id: string, note: string): Promise<PiiIncident> {
    return this.json<PiiIncident>('POST', `/api/v1/incidents/${encodeURIComponent(id)}/purge`, { query: { site: siteId }, body: { note } });
  }

  /** The recording checked against its capture manifest in the audit log. */
  recordingIntegrity(id: string): Promise<RecordingIntegrity> {
    return this.json<RecordingIntegrity>('GET', `/api/v1/recordings/${encodeURIComponent(id)}/integrity`);
  }

  recording(id: string, signal?: AbortSignal): Promise<RecordingDetail> {
    return this.json<RecordingDetail>('GET', `/api/v1/recordings/${encodeURIComponent(id)}`, { signal });
  }

  /**
   * Tells the audit log which parts of a recording were watched (milliseconds from its start), as the viewer leaves
   * the replay: the request outlives the page.
   */
  async recordWatched(id: string, intervals: Array<[number, number]>): Promise<void> {
    await this.json<void>('POST', `/api/v1/recordings/${encodeURIComponent(id)}/views`, {
      body: { intervals },
      keepalive: true,
      redirectOn401: false,
    });
  }

  /**
   * The rrweb event array, read as it streams in: yields the events in order, a batch at a time, as soon as they are
   * complete in the body (the first ones long before the last byte of a long recording has arrived). `onProgress`
   * receives the bytes read so far. An unreadable body rejects with an ApiError, like a failed call. `range` asks
   * for events by position: `limit` events from `offset` (0-based; default all).
   */
  async *recordingEvents(
    id: string,
    onProgress?: (bytes: number) => void,
    signal?: AbortSignal,
    range: { offset: number; limit?: number } = { offset: 0 },
  ): AsyncGenerator<unknown[]> {
    const query: Record<string, string> = {};
    if (range.offset > 0) query.offset = String(range.offset);
    if (range.limit !== undefined) query.limit = String(range.limit);
    const res = await this.call('GET', `/api/v1/recordings/${encodeURIComponent(id)}/events`, { signal, query });
    const array = new JsonArrayReader();
    const read = (text: string): unknown[] => {
      try {
        return array.push(text);
      } catch (e) {
        throw unreadable(e, res.status);
      }
    };
    if (res.body) {
      const body = res.body.getReader();
      const decoder = new TextDecoder();
      let bytes = 0;
      let done = false;
      try {
        for (;;) {
          const chunk = await body.read().catch((e: unknown) => {
            if (isAbort(e)) throw e;
            throw new ApiError({ type: 'about:blank', title: 'The recording could not be loaded completely: the connection was interrupted.', status: 0 });
          });
          if (chunk.done) {
            done = true;
            break;
          }
          bytes += chunk.value.byteLength;
          onProgress?.(bytes);
          // A network chunk can decode to megabytes: read it a piece at a time, so that the first events of it are
          // there before the rest is parsed.
          const text = decoder.decode(chunk.value, { stream: true });
          for (let at = 0; at < text.length; at += PIECE_CHARS) {
            const events = read(text.slice(at, at + PIECE_CHARS));
            if (events.length) yield events;
          }
        }
      } finally {
        // Stopped early (an error, or the caller stopped reading): the rest of the body is not wanted.
        if (!done) void body.cancel().catch(() => undefined);
      }
      const rest = read(decoder.decode());
      if (rest.length) yield rest;
    } else {
      const all = read(await res.text());
      if (all.length) yield all;
    }
    try {
      array.end();
    } catch (e) {
      throw unreadable(e, res.status);
    }
  }

  private async json<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
    const res = await this.call(method, path, options);
    if (res.status === 204) return undefined as T;
    try {
      return (await res.json()) as T;
    } catch {
      throw new ApiError({ type: 'about:blank', title: 'The appliance sent an answer that could not be read.', status: res.status });
    }
  }

  private async call(method: string, path: string, options: CallOptions): Promise<Response> {
    const headers: Record<string, string> = { ...API_HEADERS };
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    } else if (options.text !== undefined) {
      headers['Content-Type'] = options.text.contentType;
      body = options.text.content;
    }
    if (UNSAFE_METHODS.has(method)) {
      const token = this.csrfToken ?? cookieValue(this.cookies(), 'witness_csrf');
      if (token) headers['X-CSRF-Token'] = token;
    }
    const query = options.query && Object.keys(options.query).length ? `?${new URLSearchParams(options.query)}` : '';
    let res: Response;
    try {
      res = await this.fetchFn(`${this.baseUrl}${path}${query}`, {
        method,
        headers,
        body,
        credentials: 'same-origin',
        signal: options.signal,
        keepalive: options.keepalive,
      });
    } catch (e) {
      if (isAbort(e)) throw e;
      throw new ApiError({ type: 'about:blank', title: fallbackTitle(0), status: 0 });
    }
    if (res.ok) return res;
    const problem = await readProblem(res);
    if (res.status === 401 && options.redirectOn401 !== false) this.onUnauthorized();
    throw new ApiError(problem);
  }
}

function isAbort(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: string }).name === 'AbortError';
}

function unreadable(e: unknown, status: number): ApiError {
  const what = e instanceof NotAnArrayError ? 'not an event array' : 'invalid JSON';
  return new ApiError({ type: 'about:blank', title: `The recording could not be read (${what}).`, status });
}
