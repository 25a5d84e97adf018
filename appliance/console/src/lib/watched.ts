/**
 * The parts of a recording the viewer actually played, for the audit log ("who watched what"). Fed with the
 * player's time while it plays; a jump (seek, skipped inactivity of more than `gapMs`) starts a new interval.
 * `take()` returns what was watched since the last take, merged and in order, in whole milliseconds.
 */
export class WatchedIntervals {
  private intervals: Array<[number, number]> = [];
  private current: [number, number] | undefined;

  constructor(private readonly gapMs = 2000) {}

  /** The player showed time `t` (ms from the recording's start) while playing. */
  played(t: number): void {
    const c = this.current;
    if (c && t >= c[1] && t - c[1] <= this.gapMs) {
      c[1] = t;
      return;
    }
    this.current = [t, t];
    this.intervals.push(this.current);
  }

  /** Playback stopped (pause, end): the next time played starts a new interval. */
  stopped(): void {
    this.current = undefined;
  }

  take(): Array<[number, number]> {
    const out = merge(this.intervals.filter(([a, b]) => b > a).map(([a, b]) => [Math.floor(a), Math.ceil(b)] as [number, number]));
    this.intervals = [];
    this.current = undefined;
    return out;
  }
}

function merge(list: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...list].sort((x, y) => x[0] - y[0]);
  const out: Array<[number, number]> = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}
