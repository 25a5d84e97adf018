import { MAX_EVENTS_PER_BATCH } from './envelope';

/**
 * Collects serialised events into the open batch and closes it by time or by size, whichever comes first.
 *
 * The interval starts with the first event of a batch, so an idle page sends nothing. Sizes are UTF-8 bytes of
 * the events' JSON plus one comma between events; the envelope around them is not counted here.
 */
export class Batcher {
  private events: string[] = [];
  private sizes: number[] = [];
  private bytes = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly maxBytes: number,
    private readonly onClose: (events: string[], sizes: number[]) => void,
  ) {}

  /** Adds one event; a batch that this event would push over the size limit is closed first. */
  add(json: string, size: number): void {
    if (this.events.length > 0 && this.bytes + 1 + size > this.maxBytes) this.close();
    this.bytes += (this.events.length > 0 ? 1 : 0) + size;
    this.events.push(json);
    this.sizes.push(size);
    if (this.bytes >= this.maxBytes || this.events.length >= MAX_EVENTS_PER_BATCH) this.close();
    else if (this.timer === undefined) this.timer = setTimeout(() => this.close(), this.intervalMs);
  }

  /** Closes the open batch now (nothing happens when it is empty). */
  close(): void {
    const { events, sizes } = this.take();
    if (events.length > 0) this.onClose(events, sizes);
  }

  /** Empties the open batch and returns its events without closing it through `onClose`. */
  take(): { events: string[]; sizes: number[] } {
    const taken = { events: this.events, sizes: this.sizes };
    clearTimeout(this.timer);
    this.timer = undefined;
    this.events = [];
    this.sizes = [];
    this.bytes = 0;
    return taken;
  }
}

/**
 * Splits events into consecutive parts whose envelopes stay within `limit` bytes, given the envelope's
 * `overhead` (`firstOverhead` for the first part, which may carry an identity). An event too big for any part
 * forms a part of its own (it is then sent without keepalive).
 */
export function splitBySize(
  events: string[],
  sizes: number[],
  overhead: number,
  limit: number,
  firstOverhead = overhead,
): Array<{ events: string[]; sizes: number[] }> {
  const parts: Array<{ events: string[]; sizes: number[] }> = [];
  let part = { events: [] as string[], sizes: [] as number[] };
  let bytes = firstOverhead;
  events.forEach((event, i) => {
    const added = (part.events.length > 0 ? 1 : 0) + sizes[i];
    if (part.events.length > 0 && bytes + added > limit) {
      parts.push(part);
      part = { events: [], sizes: [] };
      bytes = overhead + sizes[i];
    } else bytes += added;
    part.events.push(event);
    part.sizes.push(sizes[i]);
  });
  if (part.events.length > 0) parts.push(part);
  return parts;
}
