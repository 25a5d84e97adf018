import { describe, expect, it } from 'vitest';
import { networkRequests } from './network';

describe('networkRequests', () => {
  it('readsTheNetworkPluginsRequests_inMsFromTheFirstEvent', () => {
    const events = [
      { type: 4, timestamp: 1_000, data: { href: 'https://shop.test/' } },
      { type: 6, timestamp: 1_500, data: { plugin: 'rrweb/console@1', payload: { level: 'error', payload: ['x'] } } },
      {
        type: 6,
        timestamp: 2_250,
        data: {
          plugin: 'rrweb/network@1',
          payload: {
            requests: [
              { url: 'https://shop.test/api/cart', initiatorType: 'fetch', status: 201, startTime: 100, endTime: 142 },
              { url: 'https://cdn.test/x', initiatorType: 'xmlhttprequest', status: 0, startTime: 5 },
              { initiatorType: 'fetch' },
            ],
          },
        },
      },
      { type: 6, timestamp: 3_000, data: { plugin: 'rrweb/network@1', payload: { requests: 'not a list' } } },
    ];
    expect(networkRequests(events)).toEqual([
      { t: 1_250, url: 'https://shop.test/api/cart', kind: 'fetch', status: 201, durationMs: 42 },
      { t: 1_250, url: 'https://cdn.test/x', kind: 'xmlhttprequest' },
    ]);
  });

  it('isEmptyWithoutNetworkEvents', () => {
    expect(networkRequests([{ type: 2, timestamp: 1, data: {} }, null, 'x'])).toEqual([]);
  });
});
