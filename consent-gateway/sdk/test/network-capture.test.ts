import { describe, expect, it } from 'vitest';
import { MAX_REQUESTS, type NetworkRequest, observeNetwork } from '../src/network-capture';

type Entry = Partial<PerformanceResourceTiming> & { name: string; initiatorType: string; responseStatus?: number };

/** A window whose PerformanceObserver is driven by the test. */
function fakeWindow() {
  const observers: Array<{ callback: (list: { getEntries(): Entry[] }) => void; connected: boolean }> = [];
  class FakeObserver {
    private readonly self;
    constructor(callback: (list: { getEntries(): Entry[] }) => void) {
      this.self = { callback, connected: false };
      observers.push(this.self);
    }
    observe(options: { type: string }) {
      expect(options.type).toBe('resource');
      this.self.connected = true;
    }
    disconnect() {
      this.self.connected = false;
    }
  }
  const win = { PerformanceObserver: FakeObserver } as unknown as Window & typeof globalThis;
  const deliver = (...entries: Entry[]) =>
    observers.filter((o) => o.connected).forEach((o) => o.callback({ getEntries: () => entries }));
  return { win, deliver, observers };
}

const options = { ignorePrefixes: ['https://witness.test/ingest/'], url: (u: string) => u.replace(/\?.*$/, '') };

describe('observeNetwork', () => {
  it('recordsFetchXhrAndBeaconRequests_notAssetsNorTheAppliance', () => {
    const { win, deliver } = fakeWindow();
    const records: Array<{ requests: NetworkRequest[] }> = [];
    observeNetwork((r) => records.push(r), win, options);
    deliver(
      { name: 'https://shop.test/api/cart?session=1', initiatorType: 'fetch', startTime: 10.4, responseEnd: 52.6,
        responseStatus: 201 },
      { name: 'https://shop.test/logo.png', initiatorType: 'img', startTime: 1, responseEnd: 2 },
      { name: 'https://witness.test/ingest/v1/batches', initiatorType: 'fetch', startTime: 3, responseEnd: 4 },
      { name: 'https://witness.test/demo/site.json', initiatorType: 'fetch', startTime: 5, responseEnd: 6 },
      { name: 'https://shop.test/api/search', initiatorType: 'xmlhttprequest', startTime: 60, responseEnd: 0,
        duration: 15 },
    );
    deliver({ name: 'https://cdn.test/font.woff2', initiatorType: 'css', startTime: 1, responseEnd: 2 });
    expect(records).toEqual([{ requests: [
      { url: 'https://shop.test/api/cart', initiatorType: 'fetch', status: 201, startTime: 10, endTime: 53 },
      { url: 'https://witness.test/demo/site.json', initiatorType: 'fetch', startTime: 5, endTime: 6 },
      { url: 'https://shop.test/api/search', initiatorType: 'xmlhttprequest', startTime: 60, endTime: 75 },
    ] }]);
  });

  it('isBoundedPerPage_andStopsWhenStopped', () => {
    const { win, deliver } = fakeWindow();
    let count = 0;
    const stop = observeNetwork((r) => (count += r.requests.length), win, options);
    const many = Array.from({ length: MAX_REQUESTS + 50 }, (_, i) =>
      ({ name: `https://shop.test/api/${i}`, initiatorType: 'fetch', startTime: i, responseEnd: i + 1 }));
    deliver(...many);
    expect(count).toBe(MAX_REQUESTS);
    stop();
    deliver({ name: 'https://shop.test/api/late', initiatorType: 'fetch', startTime: 1, responseEnd: 2 });
    expect(count).toBe(MAX_REQUESTS);
  });

  it('withoutPerformanceObserver_recordsNothing', () => {
    const records: unknown[] = [];
    const stop = observeNetwork((r) => records.push(r), {} as Window & typeof globalThis, options);
    expect(() => stop()).not.toThrow();
    expect(records).toEqual([]);
  });
});
