import { describe, expect, it } from 'vitest';
import { JsonArrayReader, NotAnArrayError } from './json-array';

/** Feeds `pieces` one by one and returns every element read, checking that the array is complete. */
function read(pieces: string[]): unknown[] {
  const reader = new JsonArrayReader();
  const out: unknown[] = [];
  for (const p of pieces) out.push(...reader.push(p));
  reader.end();
  return out;
}

/** Every way of cutting `text` in two, plus every character on its own. */
function splits(text: string): string[][] {
  const all: string[][] = [[text], [...text]];
  for (let i = 0; i <= text.length; i++) all.push([text.slice(0, i), text.slice(i)]);
  return all;
}

const TRICKY = [
  { type: 4, timestamp: 1, data: { href: 'https://x.test/?a=[1]&b={2}', width: 1280 } },
  { type: 2, timestamp: 2, data: { text: 'quote " backslash \\ brace } bracket ] comma , end' } },
  { type: 3, timestamp: 3, data: { s: '\\', t: '\\"', u: '"\\\\"', empty: '' } },
  { type: 3, timestamp: 4, data: { unicode: 'é ü 漢字 😀 \u2028 \u0000', nested: [[{}], [], [[[]]]] } },
  'a string element with , and ] and }',
  42,
  -1.5e3,
  true,
  false,
  null,
  [],
  {},
];

describe('JsonArrayReader', () => {
  it('trickyStrings_readAtEveryCut', () => {
    const compact = JSON.stringify(TRICKY);
    for (const pieces of splits(compact)) expect(read(pieces)).toEqual(TRICKY);
  });

  it('escapesWrittenAsUnicodeSequences_cutInsideTheEscape', () => {
    const text = '[{"a":"\\u0022}\\u005d,\\"\\\\"},"\\ud83d\\ude00"]';
    const expected = JSON.parse(text) as unknown[];
    for (const pieces of splits(text)) expect(read(pieces)).toEqual(expected);
  });

  it('whitespaceEverywhere_readAtEveryCut', () => {
    const text = ' \n\t[ \r\n {"a" : [ 1 , 2 ] } ,\n  "x" , 3 \n] \n ';
    for (const pieces of splits(text)) expect(read(pieces)).toEqual([{ a: [1, 2] }, 'x', 3]);
  });

  it('singleElement_andEmptyArray', () => {
    for (const pieces of splits('[{"type":2,"timestamp":1}]')) expect(read(pieces)).toEqual([{ type: 2, timestamp: 1 }]);
    for (const pieces of splits('[]')) expect(read(pieces)).toEqual([]);
    for (const pieces of splits(' [ \n ] ')) expect(read(pieces)).toEqual([]);
  });

  it('elementsArriveAsSoonAsTheyAreComplete', () => {
    const reader = new JsonArrayReader();
    expect(reader.push('[{"type":4,')).toEqual([]);
    expect(reader.push('"timestamp":1}')).toEqual([{ type: 4, timestamp: 1 }]);
    expect(reader.push(',{"type":2,"timestamp":2},{"ty')).toEqual([{ type: 2, timestamp: 2 }]);
    expect(reader.done).toBe(false);
    expect(reader.push('pe":3,"timestamp":3}]')).toEqual([{ type: 3, timestamp: 3 }]);
    expect(reader.done).toBe(true);
    reader.end();
  });

  it('randomCuts_matchJsonParse', () => {
    const events = Array.from({ length: 300 }, (_, i) => ({
      type: i % 5,
      timestamp: 1_700_000_000_000 + i,
      data: { text: `${'"\\{}[],'.repeat(i % 7)}${String.fromCodePoint(0x1f600 + (i % 40))}`, list: Array.from({ length: i % 4 }, (_, j) => ({ j })) },
    }));
    const text = JSON.stringify(events);
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let round = 0; round < 20; round++) {
      const pieces: string[] = [];
      for (let at = 0; at < text.length; ) {
        const size = 1 + Math.floor(random() * 200);
        pieces.push(text.slice(at, at + size));
        at += size;
      }
      expect(read(pieces)).toEqual(events);
    }
  });

  it('notAnArray_rejects', () => {
    expect(() => new JsonArrayReader().push('{"events":[]}')).toThrow(NotAnArrayError);
    expect(() => read([' '])).toThrow(NotAnArrayError);
    expect(() => read([''])).toThrow(NotAnArrayError);
  });

  it('malformed_rejects', () => {
    for (const text of ['[1,]', '[,1]', '[1 2]', '[{"a":1]', '[{]', '[1}', '[1]x', '[1][2]', '[{"a":"b}]', '[1,,2]', '[{}{}]']) {
      for (const pieces of splits(text)) expect(() => read(pieces), `${JSON.stringify(pieces)}`).toThrow(SyntaxError);
    }
  });

  it('truncated_rejectsAtEnd', () => {
    for (const text of ['[', '[{"type":2}', '[{"type":2},', '[{"a":"\\']) {
      const reader = new JsonArrayReader();
      reader.push(text);
      expect(() => reader.end()).toThrow(SyntaxError);
    }
  });
});
