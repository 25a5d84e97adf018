import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RecordedEvent } from '../src/envelope';
import { packEvent } from '../src/packing';

const FIXTURES = join(__dirname, '../../fixtures/protocol/packing');
const CORPUS = join(__dirname, '../../../../shared/corpus');

const read = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as RecordedEvent[];

/**
 * The appliance's reading of packed nodes (capture protocol v2), written again here from the protocol page so the
 * SDK's packing can be checked for loss on real recordings. The Java side reads the same fixtures.
 */
function unpackEvent(event: RecordedEvent): RecordedEvent {
  const data = event.data as Record<string, unknown>;
  if (event.type === 2 && 'n' in data) {
    const { n, ...rest } = data;
    return { ...event, data: { node: unpackNode(n, { id: 1 }), ...rest } };
  }
  if (event.type === 3 && 'a' in data) {
    const { a, ...rest } = data;
    let previous = 0;
    const adds = (a as [number, number, number, unknown][]).map(([delta, parent, next, node]) => {
      const id = previous + delta;
      previous = id;
      return { parentId: id + parent, nextId: next === 0 ? null : id + next, node: unpackNode(node, { id }) };
    });
    return { ...event, data: { ...rest, adds } };
  }
  return event;
}

function unpackNode(packed: unknown, next: { id: number }): Record<string, unknown> {
  if (typeof packed === 'string') return { type: 3, textContent: packed, id: next.id++ };
  if (typeof packed === 'number') return { type: 3, textContent: `\n${' '.repeat(packed)}`, id: next.id++ };
  if (Array.isArray(packed)) {
    const [tagName, attributes, ...more] = packed as [string, object, ...unknown[]];
    const extra = (more.find((m) => !Array.isArray(m)) ?? {}) as { id?: number };
    const children = (more.find((m) => Array.isArray(m)) ?? []) as unknown[];
    const id = extra.id ?? next.id;
    next.id = id + 1;
    const childNodes = children.map((c) => unpackNode(c, next));
    return { type: 2, tagName, attributes, childNodes, ...extra, id };
  }
  const node = { ...(packed as Record<string, unknown>) };
  const id = (node.id as number | undefined) ?? next.id;
  next.id = id + 1;
  if (Array.isArray(node.childNodes)) node.childNodes = node.childNodes.map((c) => unpackNode(c, next));
  return { ...node, id };
}

describe('packEvent', () => {
  it('packsTheSharedFixtureAsTheProtocolSays', () => {
    const rrweb = read(join(FIXTURES, 'rrweb-events.json'));
    expect(rrweb.map(packEvent)).toEqual(read(join(FIXTURES, 'packed-events.json')));
  });

  it('losesNothing_onEveryCorpusRecording', () => {
    const sessions = readdirSync(CORPUS).filter((d) => existsSync(join(CORPUS, d, 'events.json')));
    expect(sessions.length).toBeGreaterThanOrEqual(12);
    for (const session of sessions) {
      const events = read(join(CORPUS, session, 'events.json'));
      const packed = events.map(packEvent);
      expect(packed.filter((e, i) => e !== events[i]).length, session).toBeGreaterThan(0);
      const back = JSON.parse(JSON.stringify(packed)).map(unpackEvent);
      expect(back, session).toEqual(events);
      expect(JSON.stringify(packed).length, session).toBeLessThan(JSON.stringify(events).length);
    }
  });

  it('leavesEventsOfAnotherShapeAsTheyAre', () => {
    const foreign: RecordedEvent[] = [
      { type: 3, timestamp: 1, data: { source: 0, adds: [{ parentId: 1, previousId: 2, nextId: null, node: { type: 3, textContent: 'a', id: 3 } }] } },
      { type: 3, timestamp: 1, data: { source: 0, adds: [{ parentId: 1, nextId: null, node: { type: 3, textContent: 'a' } }] } },
      { type: 3, timestamp: 1, data: { source: 0, adds: [{ parentId: 0, nextId: null, node: { type: 3, textContent: 'a', id: 3 } }] } },
      { type: 3, timestamp: 1, data: { source: 0, adds: [], a: [] } },
      { type: 2, timestamp: 1, data: { node: { type: 0, childNodes: [{ type: 3, textContent: 'x', id: 1.5 }], id: 1 } } },
      { type: 2, timestamp: 1, data: { node: null } },
      { type: 3, timestamp: 1, data: { source: 1, positions: [] } },
      { type: 5, timestamp: 1, data: { tag: 'a', payload: { node: 1 } } },
    ];
    for (const event of foreign) expect(packEvent(event)).toBe(event);
  });

  it('writesIndentationAsANumber_otherWhiteSpaceAsAString', () => {
    const text = (textContent: string, id: number) => ({ type: 3, textContent, id });
    const root = { type: 0, id: 1, childNodes: [text('\n', 2), text('\n        ', 3), text('\n\n  ', 4), text(' \n', 5),
      text(`\n${' '.repeat(999)}`, 6), text(`\n${' '.repeat(1000)}`, 7), text('\n\t', 8)] };
    const packed = packEvent({ type: 2, timestamp: 1, data: { node: root } }).data as { n: { childNodes: unknown[] } };
    expect(packed.n.childNodes).toEqual([0, 8, '\n\n  ', ' \n', 999, `\n${' '.repeat(1000)}`, '\n\t']);
  });

  it('fieldsRrwebLeftUndefinedDoNotCount_asJsonDoesNotWriteThem', () => {
    // rrweb's serializer sets fields such as rootId and isStyle to undefined; JSON.stringify leaves them out.
    const root = { type: 0, id: 1, rootId: undefined, childNodes: [
      { type: 2, tagName: 'p', attributes: {}, id: 2, rootId: undefined, isSVG: undefined, childNodes: [
        { type: 3, textContent: 'Hi', id: 3, rootId: undefined, isStyle: undefined },
      ] },
    ] };
    const packed = packEvent({ type: 2, timestamp: 1, data: { node: root } });
    expect(JSON.parse(JSON.stringify(packed.data))).toEqual({ n: { type: 0, childNodes: [['p', {}, ['Hi']]] } });
  });

  it('doesNotChangeRrwebsObjects', () => {
    const rrweb = read(join(FIXTURES, 'rrweb-events.json'));
    const before = JSON.stringify(rrweb);
    rrweb.forEach(packEvent);
    expect(JSON.stringify(rrweb)).toBe(before);
  });
});
