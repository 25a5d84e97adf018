// Reads what each SDK uploaded: which requests carry replay data, how much of it, and the decompressed text of
// every body (for the privacy check). Formats: rrweb JSON arrays; Witness envelopes (gzip); OpenReplay binary
// batches (gzip above its threshold); Sentry envelopes (replay_recording items zlib-compressed); PostHog JSON
// (gzip-js bodies, and strings inside them that are themselves gzip in latin1).
import { gunzipSync, inflateSync } from 'node:zlib';

const GZIP = (b) => b.length > 2 && b[0] === 0x1f && b[1] === 0x8b;
const ZLIB = (b) => b.length > 2 && b[0] === 0x78 && [0x01, 0x5e, 0x9c, 0xda].includes(b[1]);

function inflateAny(b) {
  try {
    if (GZIP(b)) return gunzipSync(b);
    if (ZLIB(b)) return inflateSync(b);
  } catch {
    // not compressed after all
  }
  return b;
}

/** Whether a logged upload is the SDK's replay data (as opposed to analytics, errors, consent, handshakes). */
export function isReplay(sdk, u) {
  switch (sdk) {
    case 'rrweb': return u.path === '/rrweb/upload';
    case 'witness': return u.path === '/witness/ingest/v1/batches';
    case 'openreplay': return u.path === '/openreplay/v1/web/i';
    case 'sentry': return u.path === '/api/1/envelope/' && sentryItems(u.body).some((i) => i.type.startsWith('replay_'));
    case 'posthog': return u.path === '/ph/s/';
    default: return false;
  }
}

/** Whether an upload's replay data is compressed (gzip body, or Sentry's zlib recording items). */
export function isCompressed(sdk, u) {
  if (u.encoding === 'gzip' || GZIP(u.body)) return true;
  if (sdk !== 'sentry') return false;
  return sentryItems(u.body).some((i) => i.type === 'replay_recording' && ZLIB(i.payload.subarray(i.payload.indexOf(0x0a) + 1)));
}

/** Sentry envelope items: [{type, payload: Buffer}] (header line, then item header + payload per item). */
export function sentryItems(body) {
  const items = [];
  let pos = body.indexOf(0x0a) + 1; // skip the envelope header
  while (pos > 0 && pos < body.length) {
    const nl = body.indexOf(0x0a, pos);
    if (nl < 0) break;
    let header;
    try {
      header = JSON.parse(body.subarray(pos, nl).toString('utf8'));
    } catch {
      break;
    }
    pos = nl + 1;
    let end = typeof header.length === 'number' ? pos + header.length : body.indexOf(0x0a, pos);
    if (end < 0) end = body.length;
    items.push({ type: String(header.type ?? ''), payload: body.subarray(pos, end) });
    pos = end + 1;
  }
  return items;
}

/** The decompressed text of one upload (everything in it a server could read). */
export function decodedText(sdk, u) {
  let body = u.encoding === 'gzip' || GZIP(u.body) ? inflateAny(u.body) : u.body;
  if (sdk === 'sentry' && u.path === '/api/1/envelope/') {
    const parts = [body.subarray(0, Math.max(body.indexOf(0x0a), 0)).toString('utf8')];
    for (const item of sentryItems(body)) {
      if (item.type === 'replay_recording') {
        const nl = item.payload.indexOf(0x0a);
        parts.push(item.payload.subarray(0, nl).toString('utf8'), inflateAny(item.payload.subarray(nl + 1)).toString('utf8'));
      } else parts.push(item.payload.toString('utf8'));
    }
    return parts.join('\n');
  }
  let text = body.toString('utf8'); // OpenReplay's binary messages hold their strings as UTF-8 too
  if (sdk === 'posthog') {
    if (text.startsWith('data=')) text = Buffer.from(decodeURIComponent(text.slice(5)), 'base64').toString('utf8');
    text += expandGzipStrings(text);
  }
  return text;
}

/** PostHog can gzip snapshot data into latin1 strings inside its JSON: unpack those too. */
function expandGzipStrings(text) {
  let extra = '';
  try {
    const walk = (v) => {
      if (typeof v === 'string') {
        if (v.charCodeAt(0) === 0x1f && v.charCodeAt(1) === 0x8b) extra += '\n' + inflateAny(Buffer.from(v, 'latin1')).toString('utf8');
      } else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
    };
    walk(JSON.parse(text));
  } catch {
    // not JSON: nothing nested to unpack
  }
  return extra;
}

/** rrweb events in a decoded replay upload (rrweb, witness, sentry, posthog), for evidence and breakdowns. */
export function rrwebEvents(sdk, text) {
  try {
    if (sdk === 'rrweb') return JSON.parse(text);
    if (sdk === 'witness') return JSON.parse(text).events ?? [];
    if (sdk === 'posthog') {
      const parsed = JSON.parse(text.split('\n')[0]);
      const list = Array.isArray(parsed) ? parsed : [parsed];
      return list.filter((e) => e.event === '$snapshot').flatMap((e) => e.properties?.$snapshot_data ?? []);
    }
    if (sdk === 'sentry') {
      const out = [];
      for (const line of text.split('\n')) if (line.startsWith('[')) try { out.push(...JSON.parse(line)); } catch { /* not events */ }
      return out;
    }
  } catch {
    // undecodable: counted as no events
  }
  return [];
}

/** Bytes of JSON by rrweb event kind ("2 FullSnapshot", "3/0 Mutation", ...) plus stylesheet text sent. */
export function breakdown(events) {
  const names = { 0: 'DomContentLoaded', 1: 'Load', 2: 'FullSnapshot', 3: 'Incremental', 4: 'Meta', 5: 'Custom', 6: 'Plugin' };
  const sources = { 0: 'Mutation', 1: 'MouseMove', 2: 'MouseInteraction', 3: 'Scroll', 4: 'ViewportResize', 5: 'Input',
    6: 'TouchMove', 7: 'MediaInteraction', 8: 'StyleSheetRule', 9: 'CanvasMutation', 10: 'Font', 11: 'Log', 12: 'Drag',
    13: 'StyleDeclaration', 14: 'Selection', 15: 'AdoptedStyleSheet', 16: 'CustomElement' };
  const byKind = {};
  const css = new Map(); // stylesheet text -> times sent
  for (const e of events) {
    const json = JSON.stringify(e);
    const kind = e.type === 3 ? `3/${e.data?.source} ${sources[e.data?.source] ?? '?'}` : `${e.type} ${names[e.type] ?? '?'}`;
    const k = (byKind[kind] ??= { count: 0, bytes: 0 });
    k.count++;
    k.bytes += Buffer.byteLength(json);
    for (const m of json.matchAll(/"_cssText":"((?:[^"\\]|\\.)*)"/g)) css.set(m[1], (css.get(m[1]) ?? 0) + 1);
  }
  let cssBytes = 0;
  let cssResent = 0;
  for (const [text, times] of css) {
    cssBytes += text.length * times;
    cssResent += text.length * (times - 1);
  }
  return { byKind, cssBytes, cssResent, cssSheets: css.size };
}
