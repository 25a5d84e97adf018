import { gunzipSync } from 'node:zlib';
import type { RecordedEvent } from '../src/envelope';
import { resolveOptions, type WitnessOptions } from '../src/options';
import { Recorder, type RecordFn, type RecorderDeps, type RrwebOptions } from '../src/recorder';

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

/**
 * A working stand-in for the appliance's ingest endpoint: a `fetch` that records each request and answers 200,
 * or the scripted answers given to `answer` (a number is a status, 'network' a rejected fetch).
 */
export class FakeServer {
  readonly requests: ReceivedRequest[] = [];
  private readonly script: Array<number | 'network' | { status: number; retryAfter: string }> = [];

  answer(...answers: Array<number | 'network' | { status: number; retryAfter: string }>): this {
    this.script.push(...answers);
    return this;
  }

  readonly fetch = (async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
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
    return new Response(status === 200 ? '{}' : null, { status, headers: responseHeaders });
  }) as typeof fetch;

  seqs(): number[] {
    return this.requests.map((r) => r.json.seq);
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
    visitorStorage: localStorage,
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
 * A working Storage over a Map that records every write; `refuse` makes every call throw, as a browser that
 * blocks storage (SecurityError) does.
 */
export class RecordingStorage implements Storage {
  readonly writes: Array<[string, string]> = [];
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
    this.check().items.delete(key);
  }

  clear(): void {
    this.check().items.clear();
  }

  private check(): this {
    if (this.refuse) throw new DOMException('The operation is insecure.', 'SecurityError');
    return this;
  }
}
