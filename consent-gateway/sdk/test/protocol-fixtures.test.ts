import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEnvelope, envelopeOverhead, joinedWithin, utf8Length, utf8Within } from '../src/envelope';
import { identityJson } from '../src/identity';
import { newSessionId } from '../src/session';
import { validateBody } from './protocol-validator';

const DIR = join(__dirname, '../../fixtures/protocol');
const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<string, number>;
const fixtures = readdirSync(DIR).filter((f) => /^(valid|invalid)-.*\.json$/.test(f));

describe('shared protocol fixtures', () => {
  it('expected_listsEveryFixtureAndNothingElse', () => {
    expect(Object.keys(expected).sort()).toEqual([...fixtures].sort());
    for (const [name, status] of Object.entries(expected)) expect(status).toBe(name.startsWith('valid-') ? 200 : 400);
  });

  it.each(fixtures)('%s_classifiesAsExpected', (name) => {
    const verdict = validateBody(readFileSync(join(DIR, name), 'utf8'));
    expect(verdict.status).toBe(expected[name]);
  });
});

describe('SDK envelopes', () => {
  it('buildEnvelope_producesValidBodies', () => {
    const events = [
      { type: 4, timestamp: 1_795_597_200_000, data: { href: 'https://a.example/ü', width: 1, height: 1 } },
      { type: 3, timestamp: 1_795_597_200_001, data: { source: 1, positions: [] } },
    ].map((e) => JSON.stringify(e));
    for (const seq of [0, 1, 2_147_483_647]) {
      const body = buildEnvelope({ sessionId: newSessionId(), seq, sentAt: Date.now() }, events);
      expect(validateBody(body)).toEqual({ status: 200 });
      expect(JSON.parse(body)).toMatchObject({ v: 2, seq, events: events.map((e) => JSON.parse(e)) });
    }
  });

  it('buildEnvelope_withVisitorAndIdentityIsValidInProtocolOrder', () => {
    const events = [JSON.stringify({ type: 4, timestamp: 1_795_597_200_000, data: { href: 'https://a.example/' } })];
    const identity = identityJson('customer-4711', { plan: 'pro', seats: 12, beta: true });
    const header = { sessionId: newSessionId(), seq: 7, sentAt: Date.now(), visitorId: newSessionId(), identity };
    const body = buildEnvelope(header, events);
    expect(validateBody(body)).toEqual({ status: 200 });
    const parsed = JSON.parse(body);
    expect(Object.keys(parsed)).toEqual(['v', 'sessionId', 'seq', 'sentAt', 'visitorId', 'identity', 'events']);
    expect(parsed.identity).toEqual({ subject: 'customer-4711', traits: { plan: 'pro', seats: 12, beta: true } });
    expect(Object.keys(JSON.parse(buildEnvelope({ ...header, identity: undefined }, events)))).not.toContain(
      'identity',
    );
  });

  it('utf8Length_matchesTextEncoder', () => {
    for (const s of ['', 'abc', 'ü', '€', '😀', 'a😀b€ü', '\ud800x', `${'x'.repeat(500)}ü${'y'.repeat(9)}😀z`, '\u007f\u0080']) {
      expect(utf8Length(s)).toBe(new TextEncoder().encode(s).byteLength);
    }
  });

  it('utf8Within_countsExactBytesNearTheLimit', () => {
    expect(utf8Within('東東', 6)).toBe(true); // 6 bytes: at the limit
    expect(utf8Within('東東', 5)).toBe(false); // 2 characters, but 6 bytes
    expect(utf8Within('ab', 6)).toBe(true); // a third of the limit: not counted
    expect(utf8Within('abcdefg', 6)).toBe(false); // more characters than the limit
  });

  it('joinedWithin_countsTheCommasAndExactBytes', () => {
    expect(joinedWithin(['ab', 'cd'], 5)).toBe(true); // "ab,cd"
    expect(joinedWithin(['ab', 'cd'], 4)).toBe(false);
    expect(joinedWithin(['ü', '東'], 6)).toBe(true); // 2 + 1 + 3 bytes
    expect(joinedWithin(['ü', '東'], 5)).toBe(false); // 3 characters, 6 bytes
  });

  it('envelopeOverhead_boundsEveryHeader', () => {
    const header = { sessionId: newSessionId(), visitorId: newSessionId(), identity: identityJson('s€', { a: 'ü' }) };
    for (const h of [{ sessionId: header.sessionId }, { ...header, identity: undefined }, header]) {
      const empty = buildEnvelope({ ...h, seq: 2_147_483_647, sentAt: Date.now() }, []);
      expect(envelopeOverhead(h)).toBeGreaterThanOrEqual(utf8Length(empty));
    }
  });

  it('envelopeOverhead_withoutIdentityStaysUnderTheOneKibReserveForEvents', () => {
    const longest = { sessionId: 'i'.repeat(64), visitorId: 'v'.repeat(64) };
    expect(envelopeOverhead(longest)).toBeLessThan(1024); // recorder.ts drops events over 16 MiB - 1 KiB
  });
});
