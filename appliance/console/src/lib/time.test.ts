import { describe, expect, it } from 'vitest';
import { formatBytes, formatClock, formatDateTime, formatDuration, fromLocalInputValue, toLocalInputValue } from './time';

describe('formatClock', () => {
  it('formatClock_underAnHour_showsMinutesAndPaddedSeconds', () => {
    expect(formatClock(0)).toBe('0:00');
    expect(formatClock(5_999)).toBe('0:05');
    expect(formatClock(57_552)).toBe('0:57');
    expect(formatClock(754_000)).toBe('12:34');
  });
  it('formatClock_overAnHour_showsHours', () => {
    expect(formatClock(3_723_000)).toBe('1:02:03');
  });
  it('formatClock_negativeOrNaN_isZero', () => {
    expect(formatClock(-5)).toBe('0:00');
    expect(formatClock(Number.NaN)).toBe('0:00');
  });
});

describe('formatDuration', () => {
  it('formatDuration_ranges_useReadableUnits', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(42_900)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(3_725_000)).toBe('1 h 02 min');
  });
  it('formatDuration_invalid_isDash', () => {
    expect(formatDuration(-1)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('formatDateTime', () => {
  it('formatDateTime_inTimeZone_isIsoLike', () => {
    expect(formatDateTime('2026-11-23T11:31:20.496Z', 'UTC')).toBe('2026-11-23 11:31:20');
    expect(formatDateTime('2026-11-23T23:59:59Z', 'Europe/Berlin')).toBe('2026-11-24 00:59:59');
  });
  it('formatDateTime_invalid_isDash', () => {
    expect(formatDateTime('yesterday')).toBe('—');
  });
});

describe('datetime-local values', () => {
  it('toLocalInputValue_instant_isMinutePrecisionInZone', () => {
    expect(toLocalInputValue('2026-11-23T11:31:20Z', 'UTC')).toBe('2026-11-23T11:31');
    expect(toLocalInputValue('', 'UTC')).toBe('');
  });
  it('fromLocalInputValue_roundTripsThroughLocalZone', () => {
    const iso = fromLocalInputValue('2026-11-23T11:31');
    expect(iso).toMatch(/Z$/);
    expect(toLocalInputValue(iso)).toBe('2026-11-23T11:31');
  });
  it('fromLocalInputValue_garbage_isEmpty', () => {
    expect(fromLocalInputValue('')).toBe('');
    expect(fromLocalInputValue('23/11/2026')).toBe('');
  });
});

describe('formatBytes', () => {
  it('formatBytes_units', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1_196_689)).toBe('1.2 MB');
    expect(formatBytes(148_517)).toBe('149 kB');
  });
});
