/**
 * The batch envelope of capture protocol v2 (docs/capture-protocol.md): v1 plus packed nodes (packing.ts).
 *
 * Events are serialised once, when they are recorded; an envelope is assembled from those strings so that a
 * batch's size is known exactly without serialising it twice.
 */

export const PROTOCOL_VERSION = 2;
export const INGEST_PATH = '/ingest/v1/batches';
/** Events per batch the server accepts. */
export const MAX_EVENTS_PER_BATCH = 20_000;
/** Decompressed body the server accepts (16 MiB); a single event over this can never be delivered. */
export const MAX_DECOMPRESSED_BYTES = 16 * 1024 * 1024;

/** The rrweb `EventType` values the SDK looks at. */
export const EventType = { FullSnapshot: 2, IncrementalSnapshot: 3, Meta: 4, Custom: 5, Plugin: 6 } as const;

/** An rrweb event as far as the protocol cares; everything else in it is passed through untouched. */
export interface RecordedEvent {
  type: number;
  timestamp: number;
  data: unknown;
  [other: string]: unknown;
}

export interface EnvelopeHeader {
  sessionId: string;
  seq: number;
  sentAt: number;
  visitorId?: string;
  /** The `identity` object, already serialised (identity.ts). */
  identity?: string;
}

/**
 * Builds the JSON body of one batch from already serialised events (each a JSON object). Field order is the
 * protocol's: v, sessionId, seq, sentAt, visitorId, identity, events (the server peeks at sessionId and seq).
 */
export function buildEnvelope(header: EnvelopeHeader, eventJson: readonly string[]): string {
  const { sessionId, seq, sentAt, visitorId, identity } = header;
  return (
    `{"v":${PROTOCOL_VERSION},"sessionId":${JSON.stringify(sessionId)},"seq":${seq},"sentAt":${sentAt}` +
    (visitorId === undefined ? '' : `,"visitorId":${JSON.stringify(visitorId)}`) +
    (identity === undefined ? '' : `,"identity":${identity}`) +
    `,"events":[${eventJson.join(',')}]}`
  );
}

/** Bytes of an envelope around no events, large enough for any seq and sentAt of the session. */
export function envelopeOverhead(header: Omit<EnvelopeHeader, 'seq' | 'sentAt'>): number {
  return utf8Length(buildEnvelope({ ...header, seq: Number.MAX_SAFE_INTEGER, sentAt: Number.MAX_SAFE_INTEGER }, []));
}

/** UTF-8 length of a string (lone surrogates count as the 3 bytes of U+FFFD, as `TextEncoder` writes them). */
export function utf8Length(s: string): number {
  // Most events are ASCII: the regex (native) says so; else the browser's encoder counts (a JS loop over a
  // snapshot with its stylesheets' icon characters cost ≈ 50 ms a minute on a busy page).
  return /[^\0-\x7f]/.test(s) ? ENCODER.encode(s).byteLength : s.length;
}

/**
 * Whether the UTF-8 form of `s` takes at most `limit` bytes. A UTF-16 code unit takes 1 to 3 bytes, so only a
 * string between a third of the limit and the limit is counted.
 */
export function utf8Within(s: string, limit: number): boolean {
  return s.length * 3 <= limit || (s.length <= limit && utf8Length(s) <= limit);
}

/** Whether `strings`, joined by commas, take at most `limit` UTF-8 bytes (as `utf8Within`: counted only near it). */
export function joinedWithin(strings: readonly string[], limit: number): boolean {
  let chars = strings.length - 1;
  for (const s of strings) chars += s.length;
  if (chars * 3 <= limit) return true;
  let bytes = strings.length - 1;
  for (const s of strings) bytes += utf8Length(s);
  return bytes <= limit;
}

const ENCODER = new TextEncoder();
