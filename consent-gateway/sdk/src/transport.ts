/**
 * Delivers closed batches to the appliance, in order, one request at a time.
 *
 * A batch that fails with a network error, 429 or 5xx is retried with the same body after an exponential,
 * jittered back-off (or the server's `Retry-After`); any other answer but 2xx drops it. The queue is bounded by
 * the batches' JSON lengths (UTF-16 code units, bytes for ASCII): over the bound the oldest batch not in flight
 * is dropped and counted.
 *
 * When the page is hidden `sendAllNow` sends every waiting batch at once, because the page may be gone at the next
 * task. Where the browser's `CompressionStream` finishes within the same task (its promises settle as microtasks,
 * as in Chromium; probed once at start) the batches are still gzipped, with their stylesheets inline (the hashing
 * in `crypto.subtle` would take a task); elsewhere they are sent synchronously, uncompressed. A request is sent with
 * `keepalive` (so it outlives the page) whenever the in-flight keepalive bodies of this page stay within the
 * browser's 64 KiB budget; requests beyond it are sent normally.
 */

import type { Stylesheets } from './stylesheets';

export const KEEPALIVE_LIMIT = 64 * 1024;
export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 30_000;
/** The longest `Retry-After` honoured; longer values (and dates past the timer range) are cut to this. */
export const RETRY_AFTER_CAP_MS = 10 * 60_000;

/** A closed batch: its envelope already carries sessionId, seq and sentAt. */
export interface OutgoingBatch {
  /** The envelope's JSON. */
  readonly json: string;
  /** The JSON's length in UTF-16 code units (what the queue bound counts: bytes for ASCII text). */
  readonly size: number;
  /** The consent receipt the batch was recorded under (`Witness-Consent`). */
  readonly consent?: string;
}

interface Entry {
  readonly size: number;
  readonly consent?: string;
  /** The envelope's JSON until `body` holds its encoded bytes. */
  json: string;
  body?: Uint8Array<ArrayBuffer>;
  gzip?: boolean;
  state: 'queued' | 'sending' | 'waiting';
  attempts: number;
  timer?: ReturnType<typeof setTimeout>;
  /** The JSON as recorded, while `body` refers to stylesheets by hash (sent again as it is on a 409). */
  inline?: string;
  /** Being compressed for a batch (a page-hide flush sends it again) or for a page-hide flush. */
  compressing?: 'batch' | 'hide';
  /** The server asked for this wait (Retry-After): not even a page-hide flush sends earlier. */
  serverWait?: boolean;
}

export interface TransportStats {
  sent: number;
  rejected: number;
  dropped: number;
  retries: number;
}

export interface TransportConfig {
  url: string;
  siteKey: string;
  maxQueueBytes: number;
  gzip: boolean;
  fetch: typeof fetch;
  random: () => number;
  /** Stylesheets the appliance holds (none: every stylesheet is sent inline). */
  stylesheets?: Stylesheets;
}

export class Transport {
  readonly stats: TransportStats = { sent: 0, rejected: 0, dropped: 0, retries: 0 };
  private readonly queue: Entry[] = [];
  private keepaliveBytes = 0;
  private waiters: Array<() => void> = [];
  /** Whether a gzip finishes within the task that starts it (so a page-hide flush may compress). */
  private gzipInTask = false;

  constructor(private readonly config: TransportConfig) {
    if (config.gzip) {
      let done = false;
      gzip('').then(() => (done = true), () => {});
      setTimeout(() => (this.gzipInTask = done));
    }
  }

  /** Queues a batch and sends it when the batches before it are through (`send` false: leave it to `sendAllNow`). */
  enqueue(batch: OutgoingBatch, send = true): void {
    this.queue.push({ ...batch, state: 'queued', attempts: 0 });
    this.bound();
    if (send) this.pump();
  }

  /** Sends every batch not yet in a request now (within this task), except those the server asked to wait. */
  sendAllNow(): void {
    for (const entry of this.queue.slice()) {
      if (entry.state === 'queued' || entry.compressing === 'batch' || (entry.state === 'waiting' && !entry.serverWait)) {
        clearTimeout(entry.timer);
        void this.send(entry, this.gzipInTask, true);
      }
    }
  }

  /**
   * Forgets every batch at once (consent withdrawn): nothing queued, waiting or being compressed is sent, and a
   * request already in flight is neither retried nor counted.
   */
  clear(): void {
    for (const entry of this.queue) clearTimeout(entry.timer);
    this.queue.length = 0;
    this.notifyIdle();
  }

  /** Resolves when no request is in flight and nothing is queued except batches waiting for a retry. */
  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.waiters.push(resolve);
      this.notifyIdle();
    });
  }

  private pump(): void {
    const head = this.queue[0];
    const busy = this.queue.some((e) => e.state === 'sending');
    if (head?.state === 'queued' && !busy) void this.send(head, this.config.gzip);
    this.notifyIdle();
  }

  /**
   * Sends one batch; without compression everything up to the fetch call runs synchronously, and `hide` (page
   * hide) leaves the stylesheets inline so that a compression finishes within the task.
   */
  private async send(entry: Entry, compress: boolean, hide = false): Promise<void> {
    entry.state = 'sending';
    if (!entry.body && compress) {
      entry.compressing = hide ? 'hide' : 'batch';
      const recorded = entry.json;
      const css = hide ? undefined : this.config.stylesheets;
      const json = css ? await css.shrink(recorded).catch(() => recorded) : recorded;
      const compressed = await gzip(json).catch(() => undefined); // no gzip stream: send as is
      if (entry.body || !this.queue.includes(entry)) return; // sent meanwhile (page hide), or clear() forgot it
      if (compressed) {
        entry.body = compressed;
        entry.gzip = true;
        if (json !== recorded) entry.inline = recorded;
      }
    }
    if (!entry.body) {
      entry.body = new TextEncoder().encode(entry.json);
      entry.gzip = false;
    }
    entry.compressing = undefined; // a later sendAllNow must not send it again
    entry.json = ''; // the encoded body is what retries send
    const body = entry.body;
    const keepalive = this.keepaliveBytes + body.byteLength <= KEEPALIVE_LIMIT;
    if (keepalive) this.keepaliveBytes += body.byteLength;
    const headers: Record<string, string> = {
      'Content-Type': 'application/json',
      'Witness-Site-Key': this.config.siteKey,
    };
    if (entry.gzip) headers['Content-Encoding'] = 'gzip';
    if (entry.consent) headers['Witness-Consent'] = entry.consent;
    let response: Response | undefined;
    try {
      response = await this.config.fetch(this.config.url, {
        method: 'POST',
        headers,
        body,
        keepalive,
        credentials: 'omit',
      });
    } catch {
      response = undefined; // network error (or the browser refused the request)
    } finally {
      if (keepalive) this.keepaliveBytes -= body.byteLength;
    }
    if (!this.queue.includes(entry)) return; // cleared while in flight
    if (response?.ok) {
      this.remove(entry, 'sent');
      response.json().then((answer) => this.config.stylesheets?.learn(answer?.stylesheets), () => {});
    } else if (response?.status === 409 && entry.inline) {
      // The appliance no longer holds a stylesheet the batch refers to: the batch again, as recorded.
      this.config.stylesheets?.forget();
      entry.json = entry.inline;
      entry.inline = entry.body = undefined;
      entry.state = 'queued';
    } else if (!response || response.status === 429 || response.status >= 500) this.retryLater(entry, response);
    else this.remove(entry, 'rejected');
    this.pump();
  }

  private retryLater(entry: Entry, response: Response | undefined): void {
    entry.attempts++;
    this.stats.retries++;
    const serverWait = retryAfterMs(response?.headers.get('Retry-After') ?? null, Date.now());
    entry.serverWait = serverWait !== undefined;
    entry.state = 'waiting';
    entry.timer = setTimeout(
      () => {
        entry.state = 'queued';
        entry.serverWait = false;
        this.pump();
      },
      serverWait ?? backoffDelay(entry.attempts, this.config.random()),
    );
  }

  private remove(entry: Entry, outcome: 'sent' | 'rejected' | 'dropped'): void {
    const i = this.queue.indexOf(entry);
    if (i >= 0) this.queue.splice(i, 1);
    clearTimeout(entry.timer);
    this.stats[outcome]++;
  }

  /** Drops the oldest batches not in flight (never the newest) while the queue is over its byte bound. */
  private bound(): void {
    let total = this.queue.reduce((sum, e) => sum + e.size, 0);
    for (let i = 0; total > this.config.maxQueueBytes && i < this.queue.length - 1; ) {
      const entry = this.queue[i];
      if (entry.state === 'sending') {
        i++;
        continue;
      }
      total -= entry.size;
      this.remove(entry, 'dropped');
    }
  }

  private notifyIdle(): void {
    const busy = this.queue.some((e) => e.state === 'sending') || this.queue[0]?.state === 'queued';
    if (busy || this.waiters.length === 0) return;
    const waiters = this.waiters;
    this.waiters = [];
    waiters.forEach((resolve) => resolve());
  }
}

/** Wait before retry `attempt` (1, 2, ...): uniformly random in [d/2, d] with d = min(30 s, 1 s x 2^(attempt-1)). */
export function backoffDelay(attempt: number, random: number): number {
  const d = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1));
  return Math.round(d / 2 + (random * d) / 2);
}

/** A `Retry-After` header (delay-seconds or HTTP-date) in ms from `now`, cut to [0, 10 min]; else undefined. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const value = header.trim();
  const ms = /^\d+$/.test(value) ? Number(value) * 1000 : Date.parse(value) - now;
  return Number.isNaN(ms) ? undefined : Math.min(Math.max(ms, 0), RETRY_AFTER_CAP_MS);
}

/** Gzip through the stream's own reader: in Chromium it settles in microtasks (`Response.arrayBuffer` takes tasks). */
async function gzip(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new CompressionStream('gzip');
  const writer = stream.writable.getWriter();
  void writer.write(new TextEncoder().encode(text)).catch(() => {});
  void writer.close().catch(() => {});
  const reader = stream.readable.getReader();
  const parts: Uint8Array[] = [];
  let length = 0;
  for (let r; !(r = await reader.read()).done; length += r.value.length) parts.push(r.value);
  const out = new Uint8Array(length);
  length = 0;
  for (const part of parts) out.set(part, (length += part.length) - part.length);
  return out;
}
