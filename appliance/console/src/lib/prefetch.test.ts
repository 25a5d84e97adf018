import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_HEADERS, firstEventsPath, prefetch, takePrefetched } from './prefetch';
import { ApiClient } from './api';

describe('prefetch', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('hands a prefetched answer over once, to the same GET only', async () => {
    const answer = new Response('[]');
    const fetchFn = vi.fn(() => Promise.resolve(answer));
    vi.stubGlobal('fetch', fetchFn);
    prefetch('/a');
    expect(fetchFn).toHaveBeenCalledWith('/a', { headers: API_HEADERS, credentials: 'same-origin' });
    expect(takePrefetched('/a', { method: 'POST' })).toBeUndefined();
    expect(takePrefetched('/b')).toBeUndefined();
    expect(await takePrefetched('/a', { method: 'GET' })).toBe(answer);
    expect(takePrefetched('/a')).toBeUndefined();
  });

  it('names the request the API client makes for the first page of events', async () => {
    const urls: string[] = [];
    const client = new ApiClient({
      fetch: (input) => {
        urls.push(String(input));
        return Promise.resolve(new Response('[{"type":4,"timestamp":1}]', { status: 200 }));
      },
    });
    for await (const batch of client.recordingEvents('id 1', undefined, undefined, { offset: 0, limit: 64 })) expect(batch).toHaveLength(1);
    expect(urls).toEqual([firstEventsPath('id 1')]);
  });
});
