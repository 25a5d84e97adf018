/**
 * A small, independent reading of the envelope rules of docs/capture-protocol.md, used to check the SDK's output
 * and the shared fixtures. Answers the status the server must give a body (headers and sizes aside).
 */

const SESSION_ID = /^[A-Za-z0-9_-]{16,64}$/;
const TRAIT_NAME = /^[A-Za-z0-9_.-]{1,64}$/;
const MAX_SEQ = 2_147_483_647;
const MAX_EVENTS = 20_000;

export type Verdict = { status: 200 } | { status: 400; reason: string };

export function validateBody(text: string): Verdict {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return bad('not JSON');
  }
  if (!isObject(body)) return bad('body is not an object');
  if (body.v !== 1 && body.v !== 2) return bad('v must be 1 or 2');
  if (typeof body.sessionId !== 'string' || !SESSION_ID.test(body.sessionId)) return bad('bad sessionId');
  if (!isInteger(body.seq) || body.seq < 0 || body.seq > MAX_SEQ) return bad('bad seq');
  if ('visitorId' in body && (typeof body.visitorId !== 'string' || !SESSION_ID.test(body.visitorId))) {
    return bad('bad visitorId');
  }
  if ('identity' in body) {
    const reason = identityError(body.identity);
    if (reason) return bad(reason);
  }
  if (!Array.isArray(body.events)) return bad('events is not an array');
  if (body.events.length < 1 || body.events.length > MAX_EVENTS) return bad('events count out of range');
  for (const [i, event] of body.events.entries()) {
    if (!isObject(event)) return bad(`events[${i}] is not an object`);
    if (!isInteger(event.type) || event.type < 0 || event.type > 6) return bad(`events[${i}].type`);
    if (!isInteger(event.timestamp) || event.timestamp <= 0) return bad(`events[${i}].timestamp`);
    if (!isObject(event.data)) return bad(`events[${i}].data`);
  }
  return { status: 200 };
}

function identityError(identity: unknown): string | undefined {
  if (!isObject(identity)) return 'identity is not an object';
  const { subject, traits } = identity;
  if (typeof subject !== 'string' || subject.length < 1 || subject.length > 256) return 'bad identity.subject';
  if (!('traits' in identity)) return undefined;
  if (!isObject(traits)) return 'identity.traits is not an object';
  const entries = Object.entries(traits);
  if (entries.length > 32) return 'more than 32 traits';
  for (const [name, value] of entries) {
    if (!TRAIT_NAME.test(name)) return 'bad trait name';
    if (!['string', 'number', 'boolean'].includes(typeof value)) return `trait ${name} is not a scalar`;
    if (String(value).length > 1024) return `trait ${name} is too long`;
  }
  return undefined;
}

function bad(reason: string): Verdict {
  return { status: 400, reason };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isInteger(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}
