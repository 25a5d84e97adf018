import { beforeEach, describe, expect, it } from 'vitest';
import { newSessionId, Session, STORAGE_KEY } from '../src/session';

const IDLE = 30 * 60_000;

describe('Session', () => {
  beforeEach(() => sessionStorage.clear());

  it('newSessionId_matchesTheProtocol', () => {
    const ids = new Set(Array.from({ length: 100 }, newSessionId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{16,64}$/);
  });

  it('constructor_resumesTheTabSessionAfterANavigation', () => {
    const first = new Session(sessionStorage, IDLE, 1_000);
    expect([first.nextSeq(), first.nextSeq()]).toEqual([0, 1]);
    // next page of the same tab: a new Session object over the same sessionStorage
    const next = new Session(sessionStorage, IDLE, 2_000);
    expect(next.id).toBe(first.id);
    expect(next.nextSeq()).toBe(2);
  });

  it('resume_continuesAfterTheSeqsOfLaterPages', () => {
    const restored = new Session(sessionStorage, IDLE, 1_000);
    expect([restored.nextSeq(), restored.nextSeq()]).toEqual([0, 1]);
    // the page goes into the back/forward cache; the next page of the tab goes on
    const later = new Session(sessionStorage, IDLE, 2_000);
    expect([later.nextSeq(), later.nextSeq()]).toEqual([2, 3]);
    restored.resume(); // back
    expect(restored.nextSeq()).toBe(4);

    later.renew(3_000); // the later page started a new session
    restored.resume();
    expect(restored.id).toBe(later.id);
    expect(restored.nextSeq()).toBe(0);
  });

  it('constructor_startsANewSessionAfterThirtyMinutesIdle', () => {
    const first = new Session(sessionStorage, IDLE, 1_000);
    first.touch(5_000);
    first.nextSeq(); // stores the activity time
    const sameSession = new Session(sessionStorage, IDLE, 5_000 + IDLE);
    expect(sameSession.id).toBe(first.id);
    const later = new Session(sessionStorage, IDLE, 5_000 + IDLE + 1);
    expect(later.id).not.toBe(first.id);
    expect(later.nextSeq()).toBe(0);
  });

  it('idle_andRenew', () => {
    const s = new Session(sessionStorage, IDLE, 0);
    s.nextSeq();
    expect(s.idle(IDLE)).toBe(false);
    expect(s.idle(IDLE + 1)).toBe(true);
    const old = s.id;
    s.renew(IDLE + 1);
    expect(s.id).not.toBe(old);
    expect(s.nextSeq()).toBe(0);
    expect(JSON.parse(sessionStorage.getItem(STORAGE_KEY)!)).toMatchObject({ id: s.id, seq: 1 });
  });

  it('constructor_ignoresCorruptStorage', () => {
    sessionStorage.setItem(STORAGE_KEY, '{"id":"x.y","seq":-1}');
    const s = new Session(sessionStorage, IDLE, 0);
    expect(s.id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(s.nextSeq()).toBe(0);
  });

  it('constructor_worksWithoutStorage', () => {
    const throwing = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    } as unknown as Storage;
    const s = new Session(throwing, IDLE, 0);
    expect([s.nextSeq(), s.nextSeq()]).toEqual([0, 1]);
    expect(new Session(undefined, IDLE, 0).nextSeq()).toBe(0);
  });
});
