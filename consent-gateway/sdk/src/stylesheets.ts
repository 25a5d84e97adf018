/**
 * Stylesheets sent once (capture-protocol.md): rrweb inlines every stylesheet of a page into its full snapshot
 * (`_cssText`), often most of what a session uploads. The appliance names the stylesheets it holds for the site
 * (by SHA-256 of their text) in the site policy and in its answers to batches; before a batch is compressed, each
 * such stylesheet in it is replaced by `"_cssText":"","rr_css":"<sha-256>"` and the appliance puts the text back
 * before admission. Hashing runs in `crypto.subtle` (off the main thread), only for stylesheets of 2,000
 * characters or more and only when the appliance named at least one. A batch the appliance answers with 409
 * (it no longer holds one) is sent again as it was. The hashes live in the tab's `sessionStorage`
 * (`witness.css`, written only under a consent, removed with the session by a withdrawal), so the next page of
 * the session knows them even when its policy came from the browser's cache.
 */

const MARKER = '"_cssText":"';
const MIN_CHARS = 2_000;
const MAX_KNOWN = 256;
export const CSS_KEY = 'witness.css';

export class Stylesheets {
  private readonly known = new Set<string>();

  constructor(private readonly storage?: Storage) {
    try {
      this.add(JSON.parse(storage?.getItem(CSS_KEY) ?? '[]'));
    } catch {
      // unreadable: none known
    }
  }

  /** Adds hashes the appliance holds (a policy's or a batch answer's `stylesheets`; anything else is ignored). */
  learn(hashes: unknown): void {
    if (this.add(hashes)) this.save([...this.known]);
  }

  /** Forgets every hash (a 409, or the consent withdrawn). */
  forget(): void {
    this.known.clear();
    this.save(undefined);
  }

  private add(hashes: unknown): boolean {
    const before = this.known.size;
    if (Array.isArray(hashes)) for (const h of hashes) if (typeof h === 'string' && /^[0-9a-f]{64}$/.test(h)) this.known.add(h);
    for (const h of this.known) if (this.known.size > MAX_KNOWN) this.known.delete(h);
    return this.known.size !== before;
  }

  private save(hashes: string[] | undefined): void {
    try {
      if (hashes) this.storage?.setItem(CSS_KEY, JSON.stringify(hashes));
      else this.storage?.removeItem(CSS_KEY);
    } catch {
      // refused or full: known for this page only
    }
  }

  /** The batch JSON with every stylesheet the appliance holds replaced by its reference. */
  async shrink(json: string): Promise<string> {
    if (this.known.size === 0 || !globalThis.crypto?.subtle) return json;
    let out = '';
    let from = 0;
    for (let at = json.indexOf(MARKER); at >= 0; at = json.indexOf(MARKER, from)) {
      const start = at + MARKER.length;
      let end = start - 1;
      let k;
      do for (k = end = json.indexOf('"', end + 1); json.charCodeAt(k - 1) === 92; k--);
      while (end > 0 && (end - k) % 2); // a quote after an odd number of backslashes is in the text
      if (end < 0) end = json.length;
      if (end - start >= MIN_CHARS) {
        const hash = await sha256(JSON.parse(json.slice(start - 1, end + 1)) as string);
        if (this.known.has(hash)) {
          out += `${json.slice(from, at)}"_cssText":"","rr_css":"${hash}"`;
          from = end + 1;
          continue;
        }
      }
      out += json.slice(from, end + 1);
      from = end + 1;
    }
    return out + json.slice(from);
  }
}

async function sha256(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
