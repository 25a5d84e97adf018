import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONSOLE_PLUGIN } from '../src/console-capture';
import { STORAGE_KEY } from '../src/session';
import { CONSENT, FakeRrweb, FakeServer, newRecorder, POLICY, settle } from './fakes';
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
    newRecorder(server, rrweb).start(CONSENT, POLICY);
    expect(rrweb.options?.maskAllInputs).toBe(true);
    expect(rrweb.options?.sampling).toBeUndefined(); // rrweb's own throttling
  });

  it('start_maskAllInputsStaysTrueWhenLeftUndefined', () => {
    newRecorder(server, rrweb, { maskAllInputs: undefined }).start(CONSENT, POLICY);
    expect(rrweb.options?.maskAllInputs).toBe(true);
  });

  it('start_optionsAddToThePolicy', () => {
    newRecorder(server, rrweb, { maskAllInputs: false, captureConsole: false, blockSelector: '.secret' }).start(
      CONSENT,
      POLICY,
    );
    // maskAllInputs: false cannot unmask what the policy masks (inputs: "all")
    expect(rrweb.options).toMatchObject({
      maskAllInputs: true,
      plugins: [],
      blockSelector: '.card-form,.secret',
    });
    expect(rrweb.options!.maskInputFn('hunter2', document.createElement('input'))).toBe('*******');
  });

  it('start_recordsConsoleErrorsAndWarningsOnly', () => {
    newRecorder(server, rrweb).start(CONSENT, POLICY);
    expect(rrweb.options?.plugins).toEqual([
      { name: CONSOLE_PLUGIN, options: expect.objectContaining({ level: ['error', 'warn'] }) },
    ]);
  });

  it('recording_closesBatchesEveryFiveSecondsWithIncreasingSeq', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.start(CONSENT, POLICY); // Meta + FullSnapshot
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

  it('recording_sendsNodesPackedInAVersion2Batch', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.start(CONSENT, POLICY); // Meta + FullSnapshot of an empty document
    rrweb.emit({ type: 3, data: { source: 0, texts: [], attributes: [], removes: [],
      adds: [{ parentId: 1, nextId: null, node: { type: 3, textContent: 'Hi', id: 2 } }] } });
    await recorder.flush();
    const [body] = server.requests.map((r) => r.json);
    expect(body.v).toBe(2);
    expect(body.events.map((e) => e.data)).toEqual([
      { href: 'http://localhost:3000/', width: 1280, height: 720 },
      { initialOffset: { left: 0, top: 0 }, n: { type: 0, childNodes: [] } },
      { source: 0, texts: [], attributes: [], removes: [], a: [[2, -1, 0, 'Hi']] },
    ]);
    expect(validateBody(server.requests[0].text)).toEqual({ status: 200 });
  });

  it('recording_closesABatchAtTheSizeLimit', async () => {
    const recorder = newRecorder(server, rrweb, { maxBatchBytes: 2_000 });
    recorder.start(CONSENT, POLICY);
    for (let i = 0; i < 10; i++) rrweb.emit({ type: 5, data: { tag: 't', payload: 'x'.repeat(500) } });
    await recorder.flush();
    expect(server.requests.length).toBeGreaterThanOrEqual(3);
    for (const r of server.requests) expect(r.bodyBytes).toBeLessThan(2_000 + 200);
    expect(server.requests.flatMap((r) => r.json.events).filter((e) => e.type === 5)).toHaveLength(10);
    expect(server.seqs()).toEqual(server.requests.map((_, i) => i));
  });

  it('navigation_continuesTheSessionAndItsSeq', async () => {
    const firstPage = newRecorder(server, rrweb);
    firstPage.start(CONSENT, POLICY);
    await firstPage.flush();
    rrweb.mouseMove();
    await firstPage.flush();
    firstPage.stop(); // the first page goes into the back/forward cache
    // the next page of the tab: a fresh SDK over the same sessionStorage
    const nextPage = newRecorder(server, new FakeRrweb());
    nextPage.start(CONSENT, POLICY);
    await nextPage.flush();
    expect(nextPage.sessionId()).toBe(firstPage.sessionId());
    expect(server.seqs()).toEqual([0, 1, 2]);
    nextPage.stop();
    // back: the first page continues after the next page's seqs, not over them
    firstPage.start(CONSENT, POLICY);
    window.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    rrweb.mouseMove();
    await firstPage.flush();
    expect(server.seqs()).toEqual([0, 1, 2, 3]);
  });

  it('navigation_afterThirtyMinutesIdleStartsANewSession', async () => {
    const firstPage = newRecorder(server, rrweb);
    firstPage.start(CONSENT, POLICY);
    await firstPage.flush();
    vi.advanceTimersByTime(31 * MINUTE);
    const nextPage = newRecorder(server, new FakeRrweb());
    nextPage.start(CONSENT, POLICY);
    await nextPage.flush();
    expect(nextPage.sessionId()).not.toBe(firstPage.sessionId());
    expect(server.requests.map((r) => [r.json.sessionId, r.json.seq])).toEqual([
      [firstPage.sessionId(), 0],
      [nextPage.sessionId(), 0],
    ]);
  });

  it('recording_activityAfterThirtyMinutesIdleRenewsTheSessionWithAFullSnapshot', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.start(CONSENT, POLICY);
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
    recorder.start(CONSENT, POLICY);
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
    recorder.start(CONSENT, POLICY);
    recorder.stop();
    await recorder.flush();
    expect(rrweb.recording).toBe(false);
    expect(server.seqs()).toEqual([0]);
    hidePage();
    expect(server.requests).toHaveLength(1);
  });

  it('recording_dropsAnEventTooBigForAnyBatch', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.start(CONSENT, POLICY);
    rrweb.emit({ type: 5, data: { tag: 'huge', payload: 'h'.repeat(16 * 1024 * 1024) } });
    await recorder.flush();
    expect(recorder.stats().droppedEvents).toBe(1);
    expect(server.requests[0].json.events.map((e) => e.type)).toEqual([4, 2]);
  });

  it('recording_dropsAnEventOverTheLimitInUtf8Bytes', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.start(CONSENT, POLICY);
    rrweb.emit({ type: 5, data: { tag: 'wide', payload: 'ü'.repeat(9 * 1024 * 1024) } }); // 9 Mi chars, 18 MiB
    rrweb.emit({ type: 5, data: { tag: 'fits', payload: '東'.repeat(5 * 1024 * 1024) } }); // 5 Mi chars, 15 MiB
    await recorder.flush();
    expect(recorder.stats().droppedEvents).toBe(1);
    const events = server.requests.flatMap((r) => r.json.events);
    expect(events.map((e) => (e.type === 5 ? (e.data as { tag: string }).tag : e.type))).toEqual([4, 2, 'fits']);
    expect(server.requests.every((r) => r.bodyBytes <= 16 * 1024 * 1024)).toBe(true);
  });

  it('close_splitsABatchOverTheServersLimitInUtf8Bytes', async () => {
    // a batch limit of 16 Mi characters holds 20 MiB of UTF-8: it goes as two requests within 16 MiB each
    const recorder = newRecorder(server, rrweb, { maxBatchBytes: 16 * 1024 * 1024 });
    recorder.start(CONSENT, POLICY);
    await recorder.flush(); // seq 0
    for (let i = 0; i < 4; i++) rrweb.emit({ type: 5, data: { tag: `t${i}`, payload: '東'.repeat(5 * 1024 * 512) } });
    await recorder.flush();
    expect(server.seqs()).toEqual([0, 1, 2]);
    expect(server.requests.slice(1).map((r) => r.json.events.length)).toEqual([2, 2]);
    expect(server.requests.every((r) => r.bodyBytes <= 16 * 1024 * 1024)).toBe(true);
  });

  it('start_aVisitorOutsideTheSamplingIsNotRecorded', async () => {
    const recorder = newRecorder(server, rrweb);
    recorder.start(CONSENT, { ...POLICY, capture: { ...POLICY.capture, sampling: 0 } });
    await recorder.flush();
    expect(rrweb.recording).toBe(false);
    expect(sessionStorage.length).toBe(0);
    expect(server.requests).toEqual([]);
  });

  it('recording_stripsQueryAndFragmentFromThePageUrlUnlessKeepQuery', async () => {
    history.replaceState(null, '', '/search?q=alice%40example.com#results');
    try {
      const recorder = newRecorder(server, rrweb);
      recorder.start(CONSENT, POLICY);
      await recorder.flush();
      expect(server.requests[0].json.events[0].data).toMatchObject({ href: 'http://localhost:3000/search' });
      recorder.stop();
      const keeping = newRecorder(server, new FakeRrweb());
      keeping.start(CONSENT, { ...POLICY, capture: { keepQuery: true } });
      await keeping.flush();
      expect(server.requests[1].json.events[0].data).toMatchObject({ href: location.href });
    } finally {
      history.replaceState(null, '', '/');
    }
  });

  describe('URL scope', () => {
    afterEach(() => history.replaceState(null, '', '/'));

    it('start_onAnOutOfScopePageRecordsNothing', async () => {
      history.replaceState(null, '', '/checkout/payment/card');
      const recorder = newRecorder(server, rrweb);
      recorder.start(CONSENT, POLICY);
      await recorder.flush();
      expect(rrweb.recording).toBe(false);
      expect(server.requests).toEqual([]);
    });

    it('navigation_outOfScopeStopsAndBackInScopeResumesWithASnapshot', async () => {
      const recorder = newRecorder(server, rrweb);
      recorder.start(CONSENT, POLICY);
      rrweb.mouseMove();
      history.pushState(null, '', '/checkout/payment?step=2');
      expect(rrweb.recording).toBe(false); // at once, before the payment page renders
      await recorder.flush();
      expect(server.requests.map((r) => r.json.events.map((e) => e.type))).toEqual([[4, 2, 3]]);
      history.pushState(null, '', '/checkout/done');
      expect(rrweb.recording).toBe(true);
      await recorder.flush();
      const resumed = server.requests[1].json;
      expect(resumed.events.map((e) => e.type)).toEqual([4, 2]);
      expect(resumed.events[0].data).toMatchObject({ href: 'http://localhost:3000/checkout/done' });
      expect(server.seqs()).toEqual([0, 1]); // the same session goes on
    });

    it('navigation_popstateAndHashchangeAreWatchedToo', () => {
      const recorder = newRecorder(server, rrweb);
      recorder.start(CONSENT, POLICY);
      History.prototype.replaceState.call(history, null, '', '/checkout/payment/'); // unseen by the wrapper
      window.dispatchEvent(new Event('popstate'));
      expect(rrweb.recording).toBe(false);
      History.prototype.replaceState.call(history, null, '', '/');
      window.dispatchEvent(new Event('hashchange'));
      expect(rrweb.recording).toBe(true);
    });

    it('recording_anEventOnAnOutOfScopePageIsDroppedAndStopsRrweb', async () => {
      const recorder = newRecorder(server, rrweb);
      recorder.start(CONSENT, POLICY);
      History.prototype.replaceState.call(history, null, '/', '/checkout/payment/'); // no event at all
      rrweb.emit({ type: 5, data: { tag: 'card', payload: 'on the payment page' } });
      expect(rrweb.recording).toBe(true); // not stopped inside rrweb's emit
      vi.advanceTimersByTime(0);
      expect(rrweb.recording).toBe(false);
      await recorder.flush();
      expect(server.requests[0].text).not.toContain('payment page');
    });
  });

  it('start_appliesThePolicysConsoleLevelsAndPiiMaskingToTheConsolePlugin', () => {
    newRecorder(server, rrweb).start(CONSENT, { ...POLICY, console: { capture: true, levels: ['error'] } });
    const plugin = rrweb.options!.plugins[0] as { options: { level: string[]; mask: (s: string) => string } };
    expect(plugin.options.level).toEqual(['error']);
    expect(plugin.options.mask('"mail alice@example.com"')).toBe('"mail *****************"');
    const other = new FakeRrweb();
    newRecorder(server, other).start(CONSENT, { ...POLICY, console: { capture: false } });
    expect(other.options!.plugins).toEqual([]);
  });

  it('events_piiInTextAttributesIsMaskedUnlessThePolicyTurnsPiiTextOff', async () => {
    const snapshot = () => ({
      type: 2,
      data: { node: { type: 0, id: 1, childNodes: [{ type: 2, id: 2, tagName: 'a', attributes: { title: 'jane@example.com' }, childNodes: [] }] } },
    });
    const recorder = newRecorder(server, rrweb);
    recorder.start(CONSENT, POLICY);
    rrweb.emit(snapshot());
    await recorder.flush();
    expect(server.requests.map((r) => r.text).join()).not.toContain('jane@example.com');

    const other = new FakeRrweb();
    const plain = newRecorder(server, other);
    plain.start(CONSENT, { ...POLICY, masking: { ...POLICY.masking, piiText: false } });
    other.emit(snapshot());
    await plain.flush();
    expect(server.requests.map((r) => r.text).join()).toContain('jane@example.com');
  });

  it('start_capturesNetworkOnlyWhereThePolicySaysSo_withUrlsMinimised', () => {
    newRecorder(server, rrweb).start(CONSENT, POLICY);
    expect(rrweb.options!.plugins.map((p) => (p as { name: string }).name)).not.toContain('rrweb/network@1');
    const other = new FakeRrweb();
    newRecorder(server, other).start(CONSENT, { ...POLICY, network: { capture: true } });
    const plugin = other.options!.plugins.find((p) => (p as { name: string }).name === 'rrweb/network@1') as {
      options: { ignorePrefixes: string[]; url: (u: string) => string };
    };
    expect(plugin.options.ignorePrefixes).toEqual(['https://witness.test/ingest/', 'https://witness.test/consent/']);
    expect(plugin.options.url('https://shop.test/api/users/alice@example.com?token=x#f')).toBe(
      'https://shop.test/api/users/*****************',
    );
  });

  describe('discard (consent withdrawn)', () => {
    it('discard_stopsAtOnceAndSendsNothingRecordedBefore', async () => {
      const recorder = newRecorder(server, rrweb);
      recorder.start(CONSENT, POLICY);
      await recorder.flush(); // seq 0 sent
      server.answer(503);
      rrweb.mouseMove();
      await recorder.flush(); // seq 1 failed, waits for its retry
      rrweb.mouseMove(); // in the open batch
      recorder.discard();
      expect(rrweb.recording).toBe(false);
      vi.advanceTimersByTime(10 * MINUTE);
      await settle();
      hidePage();
      await recorder.flush();
      expect(server.seqs()).toEqual([0, 1]); // seq 1 once, never retried; the open batch never sent
      expect(recorder.sessionId()).toBeUndefined();
    });

    it('discard_whileABatchIsBeingCompressedSendsNothing', async () => {
      const recorder = newRecorder(server, rrweb, {}, { gzip: true });
      recorder.start(CONSENT, POLICY);
      void recorder.flush(); // compression starts
      recorder.discard();
      const control = newRecorder(new FakeServer(), new FakeRrweb(), {}, { gzip: true }); // shows when gzip is done
      control.start(CONSENT, POLICY);
      await control.flush();
      expect(server.requests).toEqual([]);
    });
  });
});
