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
    batcher.add('{"a":1}', 7);
    vi.advanceTimersByTime(3_000);
    batcher.add('{"a":2}', 7);
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
    batcher.add('a'.repeat(60), 60);
    batcher.add('b'.repeat(39), 39); // 60 + comma + 39 = 100: fits exactly, closes at the limit
    batcher.add('c'.repeat(50), 50);
    batcher.add('d'.repeat(50), 50); // 50 + 1 + 50 > 100: closes the c batch first
    expect(closed).toEqual([['a'.repeat(60), 'b'.repeat(39)], ['c'.repeat(50)]]);
    vi.advanceTimersByTime(5_000);
    expect(closed[2]).toEqual(['d'.repeat(50)]);
  });

  it('add_eventLargerThanTheLimitFormsItsOwnBatch', () => {
    batcher.add('x', 1);
    batcher.add('y'.repeat(500), 500);
    expect(closed).toEqual([['x'], ['y'.repeat(500)]]);
  });

  it('take_emptiesWithoutClosing', () => {
    batcher.add('x', 1);
    expect(batcher.take()).toEqual({ events: ['x'], sizes: [1] });
    vi.advanceTimersByTime(10_000);
    expect(closed).toEqual([]);
  });
});

/** The parts' events only (each part also carries its events' sizes). */
function eventsOf(parts: Array<{ events: string[] }>): string[][] {
  return parts.map((p) => p.events);
}

describe('splitBySize', () => {
  it('splitBySize_keepsOrderAndEachPartWithinTheLimit', () => {
    const events = ['aaaa', 'bbbb', 'cccc', 'dddd', 'eeee'];
    const parts = splitBySize(events, [4, 4, 4, 4, 4], 10, 20); // 10 + 4 + 1 + 4 = 19 per pair
    expect(eventsOf(parts)).toEqual([['aaaa', 'bbbb'], ['cccc', 'dddd'], ['eeee']]);
    expect(parts.map((p) => p.sizes)).toEqual([[4, 4], [4, 4], [4]]);
  });

  it('splitBySize_firstPartHasItsOwnOverhead', () => {
    const events = ['aaaa', 'bbbb', 'cccc', 'dddd'];
    expect(eventsOf(splitBySize(events, [4, 4, 4, 4], 10, 20, 15))).toEqual([['aaaa'], ['bbbb', 'cccc'], ['dddd']]);
    expect(eventsOf(splitBySize(events, [4, 4, 4, 4], 10, 20, 50))).toEqual([['aaaa'], ['bbbb', 'cccc'], ['dddd']]);
  });

  it('splitBySize_oversizedEventStandsAlone', () => {
    expect(eventsOf(splitBySize(['a', 'big', 'b'], [1, 100, 1], 10, 20))).toEqual([['a'], ['big'], ['b']]);
  });
});
