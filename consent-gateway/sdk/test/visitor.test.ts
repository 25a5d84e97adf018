import { describe, expect, it } from 'vitest';
import { loadVisitorId, VISITOR_KEY } from '../src/visitor';
import { RecordingStorage } from './fakes';

describe('loadVisitorId', () => {
  it('loadVisitorId_createsAndStoresAnIdOfTheSessionIdShape', () => {
    const local = new RecordingStorage();
    const id = loadVisitorId([local, new RecordingStorage()]);
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(local.writes).toEqual([[VISITOR_KEY, id]]);
  });

  it('loadVisitorId_reusesTheStoredId', () => {
    const local = new RecordingStorage();
    const id = loadVisitorId([local]);
    expect(loadVisitorId([local])).toBe(id);
    expect(local.writes).toHaveLength(1);
  });

  it('loadVisitorId_replacesACorruptId', () => {
    const local = new RecordingStorage();
    local.setItem(VISITOR_KEY, 'not/an id');
    expect(loadVisitorId([local])).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('loadVisitorId_fallsBackToTheTabStorageWhereLocalStorageIsRefused', () => {
    const tab = new RecordingStorage();
    const id = loadVisitorId([new RecordingStorage(true), tab]);
    expect(tab.getItem(VISITOR_KEY)).toBe(id);
    expect(loadVisitorId([undefined, tab])).toBe(id);
  });

  it('loadVisitorId_livesInMemoryWhereEveryStorageIsRefused', () => {
    expect(loadVisitorId([new RecordingStorage(true), undefined])).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });
});
