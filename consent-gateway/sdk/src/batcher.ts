import { MAX_EVENTS_PER_BATCH, utf8Length } from './envelope';

/**
 * Collects serialised events into the open batch and closes it by time or by size, whichever comes first.
 *
 * The interval starts with the first event of a batch, so an idle page sends nothing. Sizes are the events' JSON
 * lengths (UTF-16 code units: UTF-8 bytes for ASCII, at most a third of them otherwise) plus one comma between
 * events; the envelope around them is not counted here. Counting exact UTF-8 bytes of every event cost the page
 * as much main-thread time as serialising it (docs/benchmarks.md, "Session 21"); where exact bytes matter (the
 * server's body limit, the keepalive budget) the recorder counts them then.
 */
export class Batcher {
  private events: string[] = [];
  private chars = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly maxChars: number,
    private readonly onClose: (events: string[]) => void,
  ) {}

  /** Adds one event; a batch that this event would push over the size limit is closed first. */
  add(json: string): void {
    const size = json.length;
    if (this.events.length > 0 && this.chars + 1 + size > this.maxChars) this.close();
    this.chars += (this.events.length > 0 ? 1 : 0) + size;
    this.events.push(json);
    if (this.chars >= this.maxChars || this.events.length >= MAX_EVENTS_PER_BATCH) this.close();
    else if (this.timer === undefined) this.timer = setTimeout(() => this.close(), this.intervalMs);
  }

  /** Closes the open batch now (nothing happens when it is empty). */
  close(): void {
    const events = this.take();
    if (events.length > 0) this.onClose(events);
  }

  /** Empties the open batch and returns its events without closing it through `onClose`. */
  take(): string[] {
    const taken = this.events;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.events = [];
    this.chars = 0;
    return taken;
  }
}

/**
 * Splits events into consecutive parts whose envelopes stay within `limit` UTF-8 bytes, given the envelope's
 * `overhead` (`firstOverhead` for the first part, which may carry an identity). An event too big for any part
 * forms a part of its own (it is then sent without keepalive).
 */
export function splitBySize(events: string[], overhead: number, limit: number, firstOverhead = overhead): string[][] {
  const parts: string[][] = [];
  let part: string[] = [];
  let bytes = firstOverhead;
  for (const event of events) {
    const size = utf8Length(event);
    const added = (part.length > 0 ? 1 : 0) + size;
    if (part.length > 0 && bytes + added > limit) {
      parts.push(part);
      part = [];
      bytes = overhead + size;
    } else bytes += added;
    part.push(event);
  }
  if (part.length > 0) parts.push(part);
  return parts;
}
