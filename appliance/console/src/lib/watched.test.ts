import { describe, expect, it } from 'vitest';
import { WatchedIntervals } from './watched';

describe('WatchedIntervals', () => {
  it('joins continuous playback into one interval and starts another after a jump', () => {
    const w = new WatchedIntervals(2000);
    for (let t = 0; t <= 5000; t += 16) w.played(t);
    for (let t = 30000; t <= 31000; t += 16) w.played(t);
    w.played(31000.4);
    expect(w.take()).toEqual([[0, 4992], [30000, 31001]]);
    expect(w.take()).toEqual([]);
  });

  it('a pause ends an interval, a seek back merges with what was watched, single frames do not count', () => {
    const w = new WatchedIntervals(2000);
    w.played(1000);
    w.played(3000);
    w.stopped();
    w.played(2000);
    w.played(4000);
    w.played(9000);
    expect(w.take()).toEqual([[1000, 4000]]);
  });
});
