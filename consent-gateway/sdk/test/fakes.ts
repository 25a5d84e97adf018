import { gunzipSync } from 'node:zlib';
import type { RecordedEvent } from '../src/envelope';
import { resolveOptions, type WitnessOptions } from '../src/options';
import type { SitePolicy } from '../src/policy';
import { type Consent, Recorder, type RecordFn, type RecorderDeps, type RrwebOptions } from '../src/recorder';
import { Transport, type TransportConfig } from '../src/transport';

/** The example policy of consent-protocol.md §1. */
export const POLICY: SitePolicy = {
  site: 'demo',
  version: 3,
  consent: {
    mode: 'opt-in',
    gpc: 'do-not-record',
    dnt: 'do-not-record',
    purposes: ['replay'],
    notice: {
      version: '2026-12',
      language: 'en',
      text: 'We record how you use this site to improve it.',
      sha256: '3f4a1b2c3d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef',
    },
  },
  capture: { allow: ['/**'], deny: ['/checkout/payment/**'], sampling: 1.0, keepQuery: false },
  masking: { inputs: 'all', maskText: ['.balance'], block: ['.card-form'], unmask: [], piiText: true },
  console: { capture: true, levels: ['error', 'warn'] },
  network: { capture: false },
};

/** A consent as a grant leaves it (visitor id and receipt). */
export const CONSENT: Consent = { visitorId: 'Vq3xN8rT1kLmQw7pZ2aB9c', receipt: 'eyJ2IjoxfQ.c2lnbmF0dXJl' };

/** One request the fake server received, with its body decoded. */
export interface ReceivedRequest {
  url: string;
  headers: Record<string, string>;
  keepalive: boolean;
  bodyBytes: number;
  text: string;
  json: {
    v: number;
    sessionId: string;
    seq: number;
    sentAt: number;
    visitorId?: string;
    identity?: { subject: string; traits?: Record<string, unknown> };
    events: RecordedEvent[];
  };
}

/** One request to the consent endpoints (policy, receipts, withdrawals). */
export interface ConsentRequest {
  url: string;
  method: string;
  keepalive: boolean;
  credentials: RequestCredentials | undefined;
  body?: Record<string, unknown>;
}

/**
 * A working stand-in for the appliance: a `fetch` that records each request. Ingest (`requests`) answers 200,
 * or the scripted answers given to `answer` (a number is a status, 'network' a rejected fetch). The consent
 * endpoints (`consentRequests`) serve `policy` (404 when undefined), issue receipts (201, or the status given to
 * `answerConsent`) and accept withdrawals (200).
 */
export class FakeServer {
  readonly requests: ReceivedRequest[] = [];
  readonly consentRequests: ConsentRequest[] = [];
  policy: SitePolicy | undefined = POLICY;
  receipts = 0;
  /** The stylesheet hashes each 200 answer to a batch names. */
  stylesheets: string[] = [];
  private readonly script: Array<number | 'network' | { status: number; retryAfter: string }> = [];
  private readonly consentScript: Array<number | 'network'> = [];

  answer(...answers: Array<number | 'network' | { status: number; retryAfter: string }>): this {
    this.script.push(...answers);
    return this;
  }

  answerConsent(...answers: Array<number | 'network'>): this {
    this.consentScript.push(...answers);
    return this;
  }

  /** The consent requests whose URL ends with `path` (`policy`, `receipts`, `withdrawals`). */
  consent(path: string): ConsentRequest[] {
    return this.consentRequests.filter((r) => r.url.endsWith(`/${path}`));
  }

  readonly fetch = (async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    if (String(input).includes('/consent/v1/')) return this.consentAnswer(String(input), init);
    const headers = { ...(init?.headers as Record<string, string>) };
    const bytes = Buffer.from(init?.body as Uint8Array);
    const text = (headers['Content-Encoding'] === 'gzip' ? gunzipSync(bytes) : bytes).toString('utf8');
    this.requests.push({
      url: String(input),
      headers,
      keepalive: init?.keepalive === true,
      bodyBytes: bytes.byteLength,
      text,
      json: JSON.parse(text),
    });
    const next = this.script.shift() ?? 200;
    if (next === 'network') throw new TypeError('Failed to fetch');
    const status = typeof next === 'number' ? next : next.status;
    const responseHeaders = typeof next === 'number' ? undefined : { 'Retry-After': next.retryAfter };
    const answer = this.stylesheets.length ? JSON.stringify({ stylesheets: this.stylesheets }) : '{}';
    return new Response(status === 200 ? answer : null, { status, headers: responseHeaders });
  }) as typeof fetch;

  seqs(): number[] {
    return this.requests.map((r) => r.json.seq);
  }

  private consentAnswer(url: string, init?: RequestInit): Response {
    const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
    const method = init?.method ?? 'GET';
    const { keepalive = false, credentials } = init ?? {};
    this.consentRequests.push({ url, method, keepalive, credentials, body });
    const next = this.consentScript.shift();
    if (next === 'network') throw new TypeError('Failed to fetch');
    if (next !== undefined) return new Response('{"type":"about:blank"}', { status: next });
    if (url.endsWith('/policy')) return this.policy ? Response.json(this.policy) : new Response(null, { status: 404 });
    if (url.endsWith('/receipts')) {
      this.receipts++;
      const receipt = `eyJ2IjoxLCJpZCI6${this.receipts}.c2lnbmF0dXJl`;
      const answer = { consentId: `consent-${this.receipts}`, receipt, expiresAt: '2027-06-01T12:00:00Z' };
      return Response.json(answer, { status: 201 });
    }
    return Response.json({ consentId: 'consent-1', withdrawnAt: '2026-11-25T09:00:00Z', erasure: 'requested' });
  }
}

/** A working stand-in for rrweb's `record`: the test emits events; a full snapshot emits Meta + FullSnapshot. */
export class FakeRrweb {
  options: RrwebOptions | undefined;
  recording = false;
  snapshots = 0;

  readonly record: RecordFn = Object.assign(
    (options: RrwebOptions) => {
      this.options = options;
      this.recording = true;
      this.snapshot();
      return () => {
        this.recording = false;
      };
    },
    { takeFullSnapshot: () => this.snapshot() },
  );

  emit(event: Partial<RecordedEvent> & { type: number }): void {
    if (!this.recording) throw new Error('not recording');
    this.options!.emit({ timestamp: Date.now(), data: {}, ...event } as RecordedEvent);
  }

  /** An incremental MouseMove (user activity). */
  mouseMove(): void {
    this.emit({ type: 3, data: { source: 1, positions: [{ x: 1, y: 2, id: 1, timeOffset: 0 }] } });
  }

  private snapshot(): void {
    this.snapshots++;
    this.emit({ type: 4, data: { href: location.href, width: 1280, height: 720 } });
    this.emit({ type: 2, data: { node: { type: 0, id: 1, childNodes: [] }, initialOffset: { left: 0, top: 0 } } });
  }
}

export function newRecorder(
  server: FakeServer,
  rrweb: FakeRrweb,
  options: Partial<WitnessOptions> = {},
  deps: Partial<RecorderDeps> = {},
): Recorder {
  return new Recorder(resolveOptions({ endpoint: 'https://witness.test/', siteKey: 'site-key-1', ...options }), {
    record: rrweb.record,
    consolePlugin: (o) => ({ name: 'rrweb/console@1', options: o }),
    fetch: server.fetch,
    storage: sessionStorage,
    random: () => 0.5,
    gzip: false,
    ...deps,
  });
}

/** Lets pending promise callbacks run (fetch answers, compression) without moving fake time. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => queueMicrotask(resolve));
}

/**
 * A working Storage over a Map that records every write and removal; `refuse` makes every call throw, as a browser that
 * blocks storage (SecurityError) does.
 */
export class RecordingStorage implements Storage {
  readonly writes: Array<[string, string]> = [];
  readonly removals: string[] = [];
  private readonly items = new Map<string, string>();

  constructor(private readonly refuse = false) {}

  get length(): number {
    return this.check().items.size;
  }

  key(index: number): string | null {
    return [...this.check().items.keys()][index] ?? null;
  }

  getItem(key: string): string | null {
    return this.check().items.get(key) ?? null;
  }

  setItem(key: string, value: string): void {
    this.check().writes.push([key, value]);
    this.items.set(key, value);
  }

  removeItem(key: string): void {
    this.check().removals.push(key);
    this.items.delete(key);
  }

  clear(): void {
    this.check().items.clear();
  }

  private check(): this {
    if (this.refuse) throw new DOMException('The operation is insecure.', 'SecurityError');
    return this;
  }
}

/** A transport to `server` with the test defaults (no gzip, no jitter); `config` overrides them. */
export function transportTo(server: FakeServer, config: Partial<TransportConfig> = {}): Transport {
  return new Transport({
    url: 'https://witness.test/ingest/v1/batches',
    siteKey: 'site-key-1',
    maxQueueBytes: 5 * 1024 * 1024,
    gzip: false,
    fetch: server.fetch,
    random: () => 1,
    ...config,
  });
}
