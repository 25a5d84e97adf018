/**
 * The recording session of one browser tab.
 *
 * The id, the next batch `seq` and the time of the last user activity live in `sessionStorage`, which the browser
 * keeps per tab and per origin across navigations, so every page of a visit continues the same session and the
 * seq never repeats. A page restored from the back/forward cache takes the tab's session up again (`resume`), since
 * the pages shown meanwhile went on with its seqs. Nothing is written before the page calls `start()` (storage
 * needs the visitor's consent). When storage is unavailable (blocked, full, sandboxed) the session lives in memory
 * for this page only.
 */

export const STORAGE_KEY = 'witness.session';
const ID_LENGTH = 22; // 22 x 6 random bits = 132 bits
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
export const ID_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

interface Stored {
  id: string;
  seq: number; // next seq to use
  last: number; // epoch ms of the last user activity
}

export class Session {
  private state: Stored;

  /** Resumes the tab's session unless it has been idle for more than `idleMs`, else starts a new one. */
  constructor(
    private readonly storage: Storage | undefined,
    private readonly idleMs: number,
    now: number,
  ) {
    const stored = this.read();
    this.state = stored && now - stored.last <= idleMs ? stored : fresh(now);
    this.write();
  }

  get id(): string {
    return this.state.id;
  }

  /** True when no user activity was seen for more than the idle time. */
  idle(now: number): boolean {
    return now - this.state.last > this.idleMs;
  }

  /** Records user activity (kept in memory; stored with the next seq). */
  touch(now: number): void {
    if (now > this.state.last) this.state.last = now;
  }

  /** Replaces the session by a new one with seq 0. */
  renew(now: number): void {
    this.state = fresh(now);
    this.write();
  }

  /** Hands out the next seq of this session and stores the one after it. */
  nextSeq(): number {
    const seq = this.state.seq++;
    this.write();
    return seq;
  }

  /**
   * Takes the tab's session up again after the page came back from the back/forward cache: pages shown meanwhile
   * continued it from storage (its seq is past this page's), or started a new one. Without storage the page keeps
   * its own.
   */
  resume(): void {
    const stored = this.read();
    if (!stored) return;
    if (stored.id !== this.state.id) this.state = stored;
    else {
      this.state.seq = Math.max(this.state.seq, stored.seq);
      this.state.last = Math.max(this.state.last, stored.last);
    }
  }

  private read(): Stored | undefined {
    try {
      const raw = this.storage?.getItem(STORAGE_KEY);
      const s = raw ? (JSON.parse(raw) as Partial<Stored>) : undefined;
      if (s && typeof s.id === 'string' && ID_PATTERN.test(s.id) && isCount(s.seq) && isCount(s.last)) {
        return { id: s.id, seq: s.seq, last: s.last };
      }
    } catch {
      // unreadable or corrupt: start afresh
    }
    return undefined;
  }

  private write(): void {
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify(this.state));
    } catch {
      // storage full or blocked: the session continues in memory
    }
  }
}

function fresh(now: number): Stored {
  return { id: newSessionId(), seq: 0, last: now };
}

function isCount(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** A random id of 22 characters from `[A-Za-z0-9_-]`. */
export function newSessionId(): string {
  const bytes = new Uint8Array(ID_LENGTH);
  crypto.getRandomValues(bytes);
  let id = '';
  for (const b of bytes) id += ID_ALPHABET[b & 63];
  return id;
}

/** The tab's sessionStorage, or undefined where the browser refuses access to it. */
export function tabStorage(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}
