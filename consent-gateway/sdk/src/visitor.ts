/**
 * The visitor id: an anonymous id of the browser, the data subject of its recordings until `identify` names one.
 *
 * Made at the first `start()` (never before: storage needs the visitor's consent) and kept in `localStorage`
 * under `witness.visitor`, so every tab and visit of this browser on the site carries the same id. Where
 * localStorage is refused (blocked, full, sandboxed) the tab's sessionStorage keeps it, and where that is
 * refused too it lives in memory for this page.
 */
import { ID_PATTERN, newSessionId } from './session';

export const VISITOR_KEY = 'witness.visitor';

/** The stored visitor id of the first storage that works, else a new one stored there; memory as a last resort. */
export function loadVisitorId(storages: ReadonlyArray<Storage | undefined>): string {
  for (const storage of storages) {
    if (!storage) continue;
    try {
      const stored = storage.getItem(VISITOR_KEY);
      if (stored !== null && ID_PATTERN.test(stored)) return stored;
      const id = newSessionId(); // same shape as a session id
      storage.setItem(VISITOR_KEY, id);
      return id;
    } catch {
      // refused: try the next storage
    }
  }
  return newSessionId();
}

/** The browser's localStorage, or undefined where the browser refuses access to it. */
export function browserStorage(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
