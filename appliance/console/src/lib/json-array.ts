/**
 * Incremental reader of a JSON array that arrives in pieces (a streamed response body): it finds where the
 * array's top-level elements end and parses the complete ones a batch at a time, so the first elements can be used
 * long before the last byte has arrived. It only tracks what element boundaries need (string and escape state,
 * bracket depth); `JSON.parse` validates the elements themselves. Pieces may be cut anywhere, even inside a string
 * or an escape sequence.
 */

/** The text is not an array (the first non-space character is not `[`). */
export class NotAnArrayError extends Error {
  constructor() {
    super('not a JSON array');
    this.name = 'NotAnArrayError';
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

export class JsonArrayReader {
  /** Text after the last cut that does not yet make a complete element. */
  private pending: string[] = [];
  /** Bracket depth: 1 inside the top-level array. */
  private depth = 0;
  private inString = false;
  private escaped = false;
  private started = false;
  private finished = false;
  private count = 0;

  /** True once the closing `]` of the array has been read. */
  get done(): boolean {
    return this.finished;
  }

  /** Reads the next piece of text; returns the elements it completed (in order, possibly none). */
  push(text: string): unknown[] {
    let start = 0; // where this piece's share of the element text begins
    let cut = -1; // end of the last complete element in this piece (exclusive), -1 if none
    for (let i = 0; i < text.length; i++) {
      if (this.inString) {
        i = this.skipString(text, i);
        continue;
      }
      const c = text.charCodeAt(i);
      if (this.depth === 0) {
        if (c === OPEN_BRACKET && !this.started && !this.finished) {
          this.started = true;
          this.depth = 1;
          start = i + 1;
        } else if (!isSpace(c)) {
          if (!this.started) throw new NotAnArrayError();
          throw new SyntaxError('Unexpected text after the end of the JSON array');
        }
      } else if (c === QUOTE) {
        this.inString = true;
      } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        this.depth++;
      } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
        this.depth--;
        if (this.depth === 1) {
          cut = i + 1;
        } else if (this.depth === 0) {
          if (c === CLOSE_BRACE) throw new SyntaxError('Unexpected } in the JSON array');
          cut = i;
          this.finished = true;
        }
      } else if (c === COMMA && this.depth === 1) {
        cut = i;
      }
    }
    if (cut < 0) {
      if (this.started && !this.finished) this.pending.push(start === 0 ? text : text.slice(start));
      return [];
    }
    this.pending.push(text.slice(start, cut));
    const batch = this.pending.join('');
    this.pending = this.finished ? [] : [text.slice(cut)];
    return this.parse(batch);
  }

  /**
   * Skips string content from `i` (inside a string): returns the index of the closing quote, or the last index of
   * the piece when the string goes on (noting whether the piece ends in the middle of an escape).
   */
  private skipString(text: string, i: number): number {
    let from = i;
    if (this.escaped) {
      this.escaped = false;
      from++;
    }
    for (;;) {
      const quote = text.indexOf('"', from);
      const end = quote < 0 ? text.length : quote;
      let backslashes = 0;
      while (end - backslashes - 1 >= from && text.charCodeAt(end - backslashes - 1) === BACKSLASH) backslashes++;
      if (quote < 0) {
        this.escaped = backslashes % 2 === 1;
        return text.length - 1;
      }
      if (backslashes % 2 === 0) {
        this.inString = false;
        return quote;
      }
      from = quote + 1;
    }
  }

  /** Call after the last piece: throws unless the array was complete. */
  end(): void {
    if (!this.started) throw new NotAnArrayError();
    if (!this.finished) throw new SyntaxError('Unexpected end of the JSON array');
  }

  /** Parses complete elements `a,b,c` (with the comma that separates them from earlier elements, if any). */
  private parse(batch: string): unknown[] {
    let body = batch;
    if (this.count > 0 && /\S/.test(body)) {
      const separator = /^\s*,/.exec(body);
      if (!separator) throw new SyntaxError('Expected , between the elements of the JSON array');
      body = body.slice(separator[0].length);
      if (!/\S/.test(body)) throw new SyntaxError('Unexpected , at the end of the JSON array');
    }
    if (!/\S/.test(body)) return [];
    const elements = JSON.parse(`[${body}]`) as unknown[];
    this.count += elements.length;
    return elements;
  }
}
