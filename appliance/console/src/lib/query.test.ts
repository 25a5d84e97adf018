import { describe, expect, it } from 'vitest';
import {
  EMPTY_FILTERS,
  filtersFromSearch,
  filtersToApiQuery,
  filtersToSearch,
  hasActiveFilters,
  loginUrl,
  parseReplayParams,
  replayLink,
  safeNext,
  validateFilters,
} from './query';

describe('recording filters', () => {
  it('filtersFromSearch_empty_isEmptyFilters', () => {
    expect(filtersFromSearch('')).toEqual(EMPTY_FILTERS);
    expect(hasActiveFilters(filtersFromSearch(''))).toBe(false);
  });

  it('filtersFromSearch_allParameters_areRead', () => {
    const f = filtersFromSearch('?from=2026-11-01T00:00:00.000Z&to=2026-11-30T00:00:00Z&page=%2Fcheckout&minDuration=30&maxDuration=600&errors=1');
    expect(f).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-30T00:00:00.000Z',
      page: '/checkout',
      minDurationS: 30,
      maxDurationS: 600,
      hasError: true,
    });
  });

  it('filtersFromSearch_malformedValues_areIgnored', () => {
    const f = filtersFromSearch('?from=yesterday&minDuration=-3&maxDuration=abc&errors=maybe');
    expect(f).toEqual(EMPTY_FILTERS);
  });

  it('filtersToSearch_roundTrips', () => {
    const search = '?from=2026-11-01T00%3A00%3A00.000Z&page=%2Fbank%2Ftransfer&minDuration=30&errors=1';
    expect(filtersToSearch(filtersFromSearch(search))).toBe(search);
    expect(filtersToSearch(EMPTY_FILTERS)).toBe('');
  });

  it('filtersToApiQuery_mapsSecondsToMillisAndNames', () => {
    const f = { ...EMPTY_FILTERS, page: ' /login ', minDurationS: 30, maxDurationS: 120, hasError: true, from: '2026-11-01T00:00:00.000Z' };
    expect(filtersToApiQuery(f, 'abc', 25)).toEqual({
      from: '2026-11-01T00:00:00.000Z',
      page: '/login',
      minDurationMs: '30000',
      maxDurationMs: '120000',
      hasError: 'true',
      limit: '25',
      cursor: 'abc',
    });
  });

  it('filtersToApiQuery_noFilters_onlyLimit', () => {
    expect(filtersToApiQuery(EMPTY_FILTERS)).toEqual({ limit: '50' });
  });

  it('filtersToApiQuery_zeroDuration_isKept', () => {
    expect(filtersToApiQuery({ ...EMPTY_FILTERS, minDurationS: 0 }).minDurationMs).toBe('0');
  });

  it('validateFilters_inverted_reportsBoth', () => {
    const errors = validateFilters({ ...EMPTY_FILTERS, from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z', minDurationS: 60, maxDurationS: 10 });
    expect(errors).toHaveLength(2);
    expect(validateFilters(EMPTY_FILTERS)).toEqual([]);
  });
});

describe('replay deep links', () => {
  it('parseReplayParams_full', () => {
    expect(parseReplayParams('?id=rec-1&t=37&scale=1&chrome=0&preview=1')).toEqual({ id: 'rec-1', startMs: 37_000, noScale: true, chrome: false, preview: true });
  });

  it('parseReplayParams_defaults', () => {
    expect(parseReplayParams('?id=rec-1')).toEqual({ id: 'rec-1', startMs: 0, noScale: false, chrome: true, preview: false });
    expect(parseReplayParams('').id).toBe('');
  });

  it('parseReplayParams_fractionalAndInvalidTimes', () => {
    expect(parseReplayParams('?id=a&t=1.5').startMs).toBe(1500);
    expect(parseReplayParams('?id=a&t=-4').startMs).toBe(0);
    expect(parseReplayParams('?id=a&t=abc').startMs).toBe(0);
  });

  it('replayLink_floorsToTheSecond', () => {
    expect(replayLink('https://witness.bank.local/console/replay.html?id=old&t=3', 'rec 1', 37_999)).toBe(
      'https://witness.bank.local/console/replay.html?id=rec+1&t=37',
    );
    expect(replayLink('https://w.local/console/', 'r')).toBe('https://w.local/console/replay.html?id=r');
  });
});

describe('login redirects', () => {
  it('safeNext_consolePath_isKept', () => {
    expect(safeNext('/console/replay.html?id=a&t=3')).toBe('/console/replay.html?id=a&t=3');
    expect(safeNext('/console/?url=x')).toBe('/console/index.html?url=x');
    expect(safeNext('/console/index.html?url=x')).toBe('/console/index.html?url=x');
  });

  it('safeNext_foreignOrTrickyTargets_fallBackToList', () => {
    for (const bad of [null, '', 'https://evil.example/', '//evil.example/console/', '/api/v1/recordings', '/console/../admin', '/console/\\evil', '/console/login.html?next=x']) {
      expect(safeNext(bad)).toBe('/console/index.html');
    }
  });

  it('loginUrl_carriesNext', () => {
    expect(loginUrl('/console/replay.html?id=a')).toBe('/console/login.html?next=%2Fconsole%2Freplay.html%3Fid%3Da');
    expect(loginUrl('/console/')).toBe('/console/login.html');
    expect(loginUrl('/console/index.html')).toBe('/console/login.html');
    expect(loginUrl('/console/?errors=1')).toBe('/console/login.html?next=%2Fconsole%2Findex.html%3Ferrors%3D1');
  });
});
