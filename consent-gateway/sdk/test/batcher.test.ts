import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Batcher, splitBySize } from '../src/batcher';

describe('Batcher', () => {
  let closed: string[][];
  let batcher: Batcher;

  beforeEach(() => {
    vi.useFakeTimers();
    closed = [];
    batcher = new Batcher(5_000, 100, (events) => closed.push(events));
  });
  afterEach(() => vi.useRealTimers());

  it('add_closesTheBatchIntervalAfterItsFirstEvent', () => {
    batcher.add('{"a":1}');
    vi.advanceTimersByTime(3_000);
    batcher.add('{"a":2}');
    vi.advanceTimersByTime(1_999);
    expect(closed).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(closed).toEqual([['{"a":1}', '{"a":2}']]);
  });

  it('add_sendsNothingWhileNoEventArrives', () => {
    vi.advanceTimersByTime(60_000);
    expect(closed).toEqual([]);
  });

  it('add_closesBeforeAnEventThatWouldExceedTheSize', () => {
    batcher.add('a'.repeat(60));
    batcher.add('b'.repeat(39)); // 60 + comma + 39 = 100: fits exactly, closes at the limit
    batcher.add('c'.repeat(50));
    batcher.add('d'.repeat(50)); // 50 + 1 + 50 > 100: closes the c batch first
    expect(closed).toEqual([['a'.repeat(60), 'b'.repeat(39)], ['c'.repeat(50)]]);
    vi.advanceTimersByTime(5_000);
    expect(closed[2]).toEqual(['d'.repeat(50)]);
  });

  it('add_eventLargerThanTheLimitFormsItsOwnBatch', () => {
    batcher.add('x');
    batcher.add('y'.repeat(500));
    expect(closed).toEqual([['x'], ['y'.repeat(500)]]);
  });

  it('take_emptiesWithoutClosing', () => {
    batcher.add('x');
    expect(batcher.take()).toEqual(['x']);
    vi.advanceTimersByTime(10_000);
    expect(closed).toEqual([]);
  });
});

describe('splitBySize', () => {
  it('splitBySize_keepsOrderAndEachPartWithinTheLimit', () => {
    const events = ['aaaa', 'bbbb', 'cccc', 'dddd', 'eeee'];
    const parts = splitBySize(events, 10, 20); // 10 + 4 + 1 + 4 = 19 per pair
    expect(parts).toEqual([['aaaa', 'bbbb'], ['cccc', 'dddd'], ['eeee']]);
  });

  it('splitBySize_countsUtf8Bytes', () => {
    // 'ü' is 2 bytes, '東' 3, '😀' 4 (two UTF-16 code units): 10 + 4 + 1 + 4 fits 20, a third event does not
    const events = ['üü', '東a', '😀', 'ab'];
    expect(splitBySize(events, 10, 20)).toEqual([['üü', '東a'], ['😀', 'ab']]);
    expect(splitBySize(['東東東東'], 10, 20)).toEqual([['東東東東']]); // 12 bytes: over the limit, alone
    // by characters 10 + 2 + 1 + 4 = 17 would fit; by bytes 10 + 6 + 1 + 4 = 21 does not
    expect(splitBySize(['東東', 'abcd'], 10, 20)).toEqual([['東東'], ['abcd']]);
  });

  it('splitBySize_firstPartHasItsOwnOverhead', () => {
    const events = ['aaaa', 'bbbb', 'cccc', 'dddd'];
    expect(splitBySize(events, 10, 20, 15)).toEqual([['aaaa'], ['bbbb', 'cccc'], ['dddd']]);
    expect(splitBySize(events, 10, 20, 50)).toEqual([['aaaa'], ['bbbb', 'cccc'], ['dddd']]);
  });

  it('splitBySize_oversizedEventStandsAlone', () => {
    expect(splitBySize(['a', 'b'.repeat(100), 'c'], 10, 20)).toEqual([['a'], ['b'.repeat(100)], ['c']]);
  });
});
