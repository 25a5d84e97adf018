import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEnvelope, envelopeOverhead, utf8Length } from '../src/envelope';
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
      expect(JSON.parse(body)).toMatchObject({ v: 1, seq, events: events.map((e) => JSON.parse(e)) });
    }
  });

  it('utf8Length_matchesTextEncoder', () => {
    for (const s of ['', 'abc', 'ü', '€', '😀', 'a😀b€ü', '\ud800x']) {
      expect(utf8Length(s)).toBe(new TextEncoder().encode(s).byteLength);
    }
  });

  it('envelopeOverhead_boundsEveryHeader', () => {
    const id = newSessionId();
    const empty = buildEnvelope({ sessionId: id, seq: 2_147_483_647, sentAt: Date.now() }, []);
    expect(envelopeOverhead(id)).toBeGreaterThanOrEqual(utf8Length(empty));
  });
});
