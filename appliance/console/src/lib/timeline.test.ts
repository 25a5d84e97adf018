import { describe, expect, it } from 'vitest';
import { currentIndex, fitScale, keyboardSeek, layoutMarkers, markerItems, markerTitle, positionPct, timeAt } from './timeline';
import { inactivePeriods } from './activity';

describe('positions', () => {
  it('positionPct_isClampedPercentage', () => {
    expect(positionPct(0, 60_000)).toBe(0);
    expect(positionPct(15_000, 60_000)).toBe(25);
    expect(positionPct(90_000, 60_000)).toBe(100);
    expect(positionPct(-1, 60_000)).toBe(0);
    expect(positionPct(10, 0)).toBe(0);
  });

  it('timeAt_isInverseOfPosition', () => {
    expect(timeAt(200, 800, 60_000)).toBe(15_000);
    expect(timeAt(-20, 800, 60_000)).toBe(0);
    expect(timeAt(900, 800, 60_000)).toBe(60_000);
  });
});

describe('markers', () => {
  const detail = {
    pages: [{ t: 0, url: 'https://bank.local/' }, { t: 30_000, url: 'https://bank.local/transfer' }],
    clicks: [1000, 1080, 1160, 1240, 1320, 40_000].map((t) => ({ t, x: 10, y: 20, selector: 'button#pay' })),
    errors: [{ t: 1100, message: 'Uncaught Error: boom' }],
  };

  it('markerItems_sortedByTime', () => {
    const items = markerItems(detail);
    expect(items.map((i) => i.t)).toEqual([0, 1000, 1080, 1100, 1160, 1240, 1320, 30_000, 40_000]);
  });

  it('layoutMarkers_rageClickMergesButKindsStaySeparate', () => {
    const markers = layoutMarkers(markerItems(detail), 60_000, 600, 6);
    const clicks = markers.filter((m) => m.kind === 'click');
    expect(clicks).toHaveLength(2);
    expect(clicks[0]!.items).toHaveLength(5);
    expect(clicks[0]!.t).toBe(1000);
    expect(markers.filter((m) => m.kind === 'error')).toHaveLength(1);
    expect(markers.filter((m) => m.kind === 'page').map((m) => m.left)).toEqual([0, 50]);
  });

  it('layoutMarkers_wideTrack_keepsClicksApart', () => {
    const markers = layoutMarkers(markerItems(detail), 60_000, 60_000, 6);
    expect(markers.filter((m) => m.kind === 'click')).toHaveLength(6);
  });

  it('markerTitle_singleAndMerged', () => {
    const markers = layoutMarkers(markerItems(detail), 60_000, 600);
    expect(markerTitle(markers.find((m) => m.kind === 'error')!)).toBe('Console error: Uncaught Error: boom');
    expect(markerTitle(markers.find((m) => m.kind === 'click')!)).toBe('5 clicks: button#pay');
  });

  it('currentIndex_findsLastStarted', () => {
    expect(currentIndex(detail.pages, 0)).toBe(0);
    expect(currentIndex(detail.pages, 29_999)).toBe(0);
    expect(currentIndex(detail.pages, 30_000)).toBe(1);
    expect(currentIndex([{ t: 5 }], 1)).toBe(-1);
  });
});

describe('controls', () => {
  it('keyboardSeek_stepsAndClamps', () => {
    expect(keyboardSeek('ArrowRight', 1000, 60_000)).toBe(6000);
    expect(keyboardSeek('ArrowLeft', 1000, 60_000)).toBe(0);
    expect(keyboardSeek('End', 1000, 60_000)).toBe(60_000);
    expect(keyboardSeek('Home', 1000, 60_000)).toBe(0);
    expect(keyboardSeek('PageUp', 50_000, 60_000)).toBe(60_000);
    expect(keyboardSeek('a', 1000, 60_000)).toBeNull();
  });

  it('fitScale_neverEnlargesAndKeepsAspect', () => {
    expect(fitScale(1366, 768, 2000, 1200)).toBe(1);
    expect(fitScale(1366, 768, 683, 768)).toBe(0.5);
    expect(fitScale(1000, 1000, 800, 400)).toBe(0.4);
    expect(fitScale(0, 768, 100, 100)).toBe(1);
  });
});

describe('inactivePeriods', () => {
  const ev = (ts: number, type = 3, source?: number) => ({ type, timestamp: ts, data: source === undefined ? {} : { source } });

  it('inactivePeriods_findsGapsWithoutUserInput', () => {
    const events = [ev(1000, 4), ev(1010, 2), ev(2000, 3, 2), ev(20_000, 3, 0), ev(25_000, 3, 1), ev(40_000, 3, 0)];
    expect(inactivePeriods(events, 10_000)).toEqual([
      { start: 1000, end: 24_000 },
      { start: 24_000, end: 39_000 },
    ]);
  });

  it('inactivePeriods_shortOrEmpty_none', () => {
    expect(inactivePeriods([], 10_000)).toEqual([]);
    expect(inactivePeriods([ev(0, 4), ev(5000, 3, 1)], 10_000)).toEqual([]);
  });
});
