import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildEnvelope } from '../src/envelope';
import { backoffDelay, retryAfterMs } from '../src/transport';
import { FakeServer, settle, transportTo } from './fakes';

function batch(seq: number, events = ['{"type":4,"timestamp":1,"data":{}}']) {
  const header = { sessionId: 'sessionForTransport01', seq, sentAt: 1_000 + seq };
  const json = buildEnvelope(header, events);
  return { json, size: json.length };
}

const transport = transportTo;

describe('backoff', () => {
  it('backoffDelay_doublesFromOneSecondUpToThirtyWithJitter', () => {
    const top = [1, 2, 3, 4, 5, 6, 7, 12].map((n) => backoffDelay(n, 1));
    expect(top).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000]);
    const bottom = [1, 2, 3, 6].map((n) => backoffDelay(n, 0));
    expect(bottom).toEqual([500, 1_000, 2_000, 15_000]);
  });

  it('retryAfterMs_readsSecondsAndDates', () => {
    expect(retryAfterMs('3', 0)).toBe(3_000);
    expect(retryAfterMs('Wed, 25 Nov 2026 09:00:10 GMT', Date.parse('2026-11-25T09:00:00Z'))).toBe(10_000);
    expect(retryAfterMs('99999', 0)).toBe(600_000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
    expect(retryAfterMs(null, 0)).toBeUndefined();
  });
});

describe('Transport', () => {
  let server: FakeServer;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    server = new FakeServer();
  });
  afterEach(() => vi.useRealTimers());

  it('enqueue_postsTheEnvelopeWithTheProtocolHeaders', async () => {
    const t = transport(server);
    t.enqueue(batch(0));
    await settle();
    const [request] = server.requests;
    expect(request.url).toBe('https://witness.test/ingest/v1/batches');
    expect(request.headers).toEqual({ 'Content-Type': 'application/json', 'Witness-Site-Key': 'site-key-1' });
    expect(request.text).toBe(batch(0).json);
    expect(t.stats.sent).toBe(1);
  });

  it('enqueue_sendsTheReceiptTheBatchWasRecordedUnder', async () => {
    const t = transport(server);
    t.enqueue({ ...batch(0), consent: 'receipt-a' });
    t.enqueue({ ...batch(1), consent: 'receipt-b' });
    await t.idle();
    expect(server.requests.map((r) => r.headers['Witness-Consent'])).toEqual(['receipt-a', 'receipt-b']);
  });

  it('clear_forgetsQueuedAndWaitingBatchesAndNeverRetriesTheOneInFlight', async () => {
    server.answer(503);
    const t = transport(server);
    [0, 1, 2].forEach((seq) => t.enqueue(batch(seq)));
    expect(server.requests).toHaveLength(1); // seq 0 in flight, about to get a 503
    t.clear();
    await t.idle();
    vi.advanceTimersByTime(120_000);
    await settle();
    expect(server.seqs()).toEqual([0]);
    expect(t.stats).toMatchObject({ sent: 0, retries: 0 });
  });

  it('enqueue_sendsOneAtATimeInOrder', async () => {
    const t = transport(server);
    [0, 1, 2].forEach((seq) => t.enqueue(batch(seq)));
    expect(server.requests).toHaveLength(1);
    await t.idle();
    expect(server.seqs()).toEqual([0, 1, 2]);
  });

  it('send_retriesNetworkErrors429And5xxWithBackoff', async () => {
    server.answer('network', 503, 429, 500);
    const t = transport(server);
    t.enqueue(batch(7));
    await settle();
    for (const wait of [1_000, 2_000, 4_000, 8_000]) {
      const before = server.requests.length;
      vi.advanceTimersByTime(wait - 1);
      await settle();
      expect(server.requests).toHaveLength(before);
      vi.advanceTimersByTime(1);
      await settle();
      expect(server.requests).toHaveLength(before + 1);
    }
    expect(server.seqs()).toEqual([7, 7, 7, 7, 7]);
    expect(new Set(server.requests.map((r) => r.text)).size).toBe(1); // same body, same sentAt
    expect(t.stats).toMatchObject({ sent: 1, retries: 4 });
  });

  it('send_neverRetries400AndGoesOn', async () => {
    server.answer(400, 401, 413, 415);
    const t = transport(server);
    [0, 1, 2, 3, 4].forEach((seq) => t.enqueue(batch(seq)));
    await t.idle();
    vi.advanceTimersByTime(120_000);
    await settle();
    expect(server.seqs()).toEqual([0, 1, 2, 3, 4]);
    expect(t.stats).toMatchObject({ sent: 1, rejected: 4, retries: 0 });
  });

  it('send_waitsAsLongAsRetryAfterSays', async () => {
    server.answer({ status: 429, retryAfter: '7' });
    const t = transport(server);
    t.enqueue(batch(0));
    await settle();
    vi.advanceTimersByTime(6_999);
    t.sendAllNow(); // not even a page-hide flush sends before the server's time
    await settle();
    expect(server.requests).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await settle();
    expect(server.requests).toHaveLength(2);
  });

  it('idle_resolvesWhileABatchWaitsForItsRetry', async () => {
    server.answer(503);
    const t = transport(server);
    t.enqueue(batch(0));
    await t.idle();
    expect(server.requests).toHaveLength(1);
  });

  it('enqueue_dropsTheOldestBatchesOverTheQueueBound', async () => {
    server.answer('network');
    const big = (seq: number) => batch(seq, [`{"type":3,"timestamp":1,"data":{"p":"${'x'.repeat(1000)}"}}`]);
    const t = transport(server, { maxQueueBytes: 3 * big(0).size });
    [0, 1, 2, 3, 4].forEach((seq) => t.enqueue(big(seq)));
    expect(t.stats.dropped).toBe(2); // 0 is in flight, so 1 and 2 are the oldest that can go
    await settle();
    vi.advanceTimersByTime(1_000); // 0 failed once and is retried
    await t.idle();
    expect(server.seqs()).toEqual([0, 0, 3, 4]);
  });

  it('sendAllNow_sendsEverythingAtOnceWithinTheKeepaliveBudget', () => {
    const t = transport(server, { gzip: true });
    const event = `{"type":3,"timestamp":1,"data":{"p":"${'x'.repeat(30_000)}"}}`;
    [0, 1, 2].forEach((seq) => t.enqueue(batch(seq, [event]), false));
    t.sendAllNow(); // synchronously: the page may be gone at the next task
    expect(server.requests.map((r) => r.keepalive)).toEqual([true, true, false]);
    expect(server.requests.every((r) => r.headers['Content-Encoding'] === undefined)).toBe(true);
  });
});

/** A CompressionStream that settles in microtasks, as Chromium's does (Node's waits for its zlib thread pool). */
class InTaskCompressionStream {
  constructor() {
    const chunks: Uint8Array[] = [];
    return new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk) => void chunks.push(chunk),
      flush: (controller) => controller.enqueue(new Uint8Array(gzipSync(Buffer.concat(chunks)))),
    });
  }
}

describe('Transport with gzip', () => {
  it('sendAllNow_gzipsWithinTheTaskWhereTheBrowserCompressesInMicrotasks', async () => {
    vi.stubGlobal('CompressionStream', InTaskCompressionStream);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const server = new FakeServer();
      const t = transport(server, { gzip: true });
      await settle();
      vi.advanceTimersByTime(0); // the probe at start: a gzip settled before the next task
      const event = `{"type":3,"timestamp":1,"data":{"p":"${'x'.repeat(30_000)}"}}`;
      [0, 1].forEach((seq) => t.enqueue(batch(seq, [event]), false));
      t.sendAllNow(); // pagehide
      t.sendAllNow(); // and visibilitychange=hidden: nothing twice
      await settle(); // microtasks only: no timer, no I/O callback has run
      expect(server.requests.map((r) => r.headers['Content-Encoding'])).toEqual(['gzip', 'gzip']);
      expect(server.requests.map((r) => r.text)).toEqual([batch(0, [event]).json, batch(1, [event]).json]);
      expect(server.requests.every((r) => r.keepalive && r.bodyBytes < 1_000)).toBe(true);
    } finally {
      vi.useRealTimers();
      vi.unstubAllGlobals();
    }
  });


  it('sendAllNow_sendsABatchBeingCompressedOnceAndPlain', async () => {
    const server = new FakeServer();
    const t = transport(server, { gzip: true });
    t.enqueue(batch(0)); // compression starts
    t.sendAllNow(); // visibilitychange=hidden
    t.sendAllNow(); // pagehide
    expect(server.requests).toHaveLength(1);
    await t.idle();
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0].headers['Content-Encoding']).toBeUndefined();
    expect(t.stats.sent).toBe(1);
  });

  it('send_compressesWithCompressionStream', async () => {
    const server = new FakeServer();
    const t = transport(server, { gzip: true });
    const b = batch(0, Array.from({ length: 200 }, () => '{"type":3,"timestamp":1,"data":{"source":1}}'));
    t.enqueue(b);
    await t.idle();
    const [request] = server.requests;
    expect(request.headers['Content-Encoding']).toBe('gzip');
    expect(request.text).toBe(b.json);
    expect(request.bodyBytes).toBeLessThan(b.size / 5);
  });

  it('send_fallsBackToPlainJsonWithoutCompressionStream', async () => {
    vi.stubGlobal('CompressionStream', undefined);
    try {
      const server = new FakeServer();
      const t = transport(server, { gzip: true });
      t.enqueue(batch(0));
      await t.idle();
      expect(server.requests[0].headers['Content-Encoding']).toBeUndefined();
      expect(server.requests[0].text).toBe(batch(0).json);
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
