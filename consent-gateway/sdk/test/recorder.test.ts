import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONSOLE_PLUGIN, MAX_ARG_CHARS } from '../src/console-capture';
import { STORAGE_KEY } from '../src/session';
import { FakeRrweb, FakeServer, newRecorder, settle } from './fakes';
import { validateBody } from './protocol-validator';

const MINUTE = 60_000;

function hidePage(): void {
  Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
}

describe('Recorder', () => {
  let server: FakeServer;
  let rrweb: FakeRrweb;

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: Date.parse('2026-11-25T09:00:00Z') });
    sessionStorage.clear();
    server = new FakeServer();
    rrweb = new FakeRrweb();
  });
  afterEach(() => {
    vi.useRealTimers();
    Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true });
  });

  it('constructor_recordsStoresAndSendsNothingBeforeStart', async () => {
    const recorder = newRecorder(server, rrweb);
    vi.advanceTimersByTime(10 * MINUTE);
    await recorder.flush();
    expect(rrweb.recording).toBe(false);
    expect(sessionStorage.getItem(STORAGE_KEY)).toBeNull();
    expect(recorder.sessionId()).toBeUndefined();
    expect(server.requests).toEqual([]);
  });

  it('start_masksAllInputsByDefault', () => {
    newRecorder(server, rrweb).start();
    expect(rrweb.options?.maskAllInputs).toBe(true);
    expect(rrweb.options?.sampling).toBeUndefined(); // rrweb's own throttling
  });

  it('start_maskAllInputsStaysTrueWhenLeftUndefined', () => {
    newRecorder(server, rrweb, { maskAllInputs: undefined }).start();
    expect(rrweb.options?.maskAllInputs).toBe(true);
  });

  it('start_honoursExplicitOptions', () => {
    newRecorder(server, rrweb, { maskAllInputs: false, captureConsole: false, blockSelector: '.secret' }).start();
    expect(rrweb.options).toMatchObject({ maskAllInputs: false, plugins: [], blockSelector: '.secret' });
  });

  it('start_recordsConsoleErrorsAndWarningsOnly', () => {
    newRecorder(server, rrweb).start();
    expect(rrweb.options?.plugins).toEqual([
      { name: CONSOLE_PLUGIN, options: expect.objectContaining({ level: ['error', 'warn'] }) },
    ]);
  });

  it('recording_closesBatchesEveryFiveSecondsWithIncreasingSeq', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.start(); // Meta + FullSnapshot
    vi.advanceTimersByTime(5_000);
    await settle();
    rrweb.mouseMove();
    vi.advanceTimersByTime(4_999);
    await settle();
    expect(server.requests).toHaveLength(1);
    vi.advanceTimersByTime(1);
    await settle();
    rrweb.mouseMove();
    await recorder.flush();
    expect(server.seqs()).toEqual([0, 1, 2]);
    expect(server.requests.map((r) => r.json.events.map((e) => e.type))).toEqual([[4, 2], [3], [3]]);
    expect(new Set(server.requests.map((r) => r.json.sessionId))).toEqual(new Set([recorder.sessionId()]));
    for (const r of server.requests) expect(validateBody(r.text)).toEqual({ status: 200 });
  });

  it('recording_closesABatchAtTheSizeLimit', async () => {
    const recorder = newRecorder(server, rrweb, { maxBatchBytes: 2_000 });
    recorder.start();
    for (let i = 0; i < 10; i++) rrweb.emit({ type: 5, data: { tag: 't', payload: 'x'.repeat(500) } });
    await recorder.flush();
    expect(server.requests.length).toBeGreaterThanOrEqual(3);
    for (const r of server.requests) expect(r.bodyBytes).toBeLessThan(2_000 + 200);
    expect(server.requests.flatMap((r) => r.json.events).filter((e) => e.type === 5)).toHaveLength(10);
    expect(server.seqs()).toEqual(server.requests.map((_, i) => i));
  });

  it('navigation_continuesTheSessionAndItsSeq', async () => {
    const firstPage = newRecorder(server, rrweb);
    firstPage.start();
    await firstPage.flush();
    rrweb.mouseMove();
    await firstPage.flush();
    // the next page of the tab: a fresh SDK over the same sessionStorage
    const nextPage = newRecorder(server, new FakeRrweb());
    nextPage.start();
    await nextPage.flush();
    expect(nextPage.sessionId()).toBe(firstPage.sessionId());
    expect(server.seqs()).toEqual([0, 1, 2]);
  });

  it('navigation_afterThirtyMinutesIdleStartsANewSession', async () => {
    const firstPage = newRecorder(server, rrweb);
    firstPage.start();
    await firstPage.flush();
    vi.advanceTimersByTime(31 * MINUTE);
    const nextPage = newRecorder(server, new FakeRrweb());
    nextPage.start();
    await nextPage.flush();
    expect(nextPage.sessionId()).not.toBe(firstPage.sessionId());
    expect(server.requests.map((r) => [r.json.sessionId, r.json.seq])).toEqual([
      [firstPage.sessionId(), 0],
      [nextPage.sessionId(), 0],
    ]);
  });

  it('recording_activityAfterThirtyMinutesIdleRenewsTheSessionWithAFullSnapshot', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.start();
    const first = recorder.sessionId();
    await recorder.flush();
    vi.advanceTimersByTime(30 * MINUTE + 1);
    rrweb.mouseMove(); // cannot be replayed without a snapshot of the new session: dropped
    rrweb.mouseMove();
    expect(recorder.sessionId()).not.toBe(first);
    vi.advanceTimersByTime(0); // the new full snapshot
    rrweb.mouseMove();
    await recorder.flush();
    const last = server.requests.at(-1)!.json;
    expect(last.sessionId).toBe(recorder.sessionId());
    expect(last.seq).toBe(0);
    expect(last.events.map((e) => e.type)).toEqual([4, 2, 3]);
    expect(rrweb.snapshots).toBe(2);
  });

  it('pageHide_sendsTheOpenBatchSplitForKeepaliveWithConsecutiveSeq', async () => {
    const recorder = newRecorder(server, rrweb, { batchIntervalMs: 60_000 });
    recorder.start();
    await recorder.flush(); // seq 0
    const payload = 'p'.repeat(10_000);
    for (let i = 0; i < 15; i++) rrweb.emit({ type: 5, data: { tag: 'big', payload } }); // ~150 KB open batch
    server.requests.length = 0;
    hidePage();
    // synchronously, before any task runs: the page may be gone after this event
    expect(server.seqs()).toEqual([1, 2, 3]);
    expect(server.requests.every((r) => r.bodyBytes <= 64 * 1024)).toBe(true);
    expect(server.requests.map((r) => r.keepalive)).toEqual([true, false, false]); // 64 KiB in flight at most
    expect(server.requests.flatMap((r) => r.json.events)).toHaveLength(15);
    for (const r of server.requests) expect(validateBody(r.text)).toEqual({ status: 200 });
    await settle();
    window.dispatchEvent(new Event('pagehide')); // follows visibilitychange when a tab closes: nothing left
    expect(server.requests).toHaveLength(3);
  });

  it('stop_sendsWhatWasRecordedAndStopsListening', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.start();
    recorder.stop();
    await recorder.flush();
    expect(rrweb.recording).toBe(false);
    expect(server.seqs()).toEqual([0]);
    hidePage();
    expect(server.requests).toHaveLength(1);
  });

  it('recording_cutsConsoleArgumentsAndTraces', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.start();
    const huge = 'e'.repeat(100_000);
    rrweb.emit({
      type: 6,
      data: {
        plugin: CONSOLE_PLUGIN,
        payload: { level: 'error', trace: Array(100).fill(huge), payload: Array(50).fill(huge) },
      },
    });
    await recorder.flush();
    const event = server.requests[0].json.events[2] as { data: { payload: { payload: string[]; trace: string[] } } };
    expect(event.data.payload.payload).toHaveLength(10);
    expect(event.data.payload.payload[0]).toHaveLength(MAX_ARG_CHARS + 1);
    expect(event.data.payload.trace).toHaveLength(20);
    expect(server.requests[0].bodyBytes).toBeLessThan(40_000);
  });

  it('recording_dropsAnEventTooBigForAnyBatch', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.start();
    rrweb.emit({ type: 5, data: { tag: 'huge', payload: 'h'.repeat(16 * 1024 * 1024) } });
    await recorder.flush();
    expect(recorder.stats().droppedEvents).toBe(1);
    expect(server.requests[0].json.events.map((e) => e.type)).toEqual([4, 2]);
  });
});
