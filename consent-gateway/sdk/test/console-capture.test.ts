import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ConsoleRecord,
  consolePluginOptions,
  MAX_ARG_CHARS,
  MAX_RECORDS,
  observeConsole,
  stringify,
} from '../src/console-capture';
import { maskPii } from '../src/pii';

describe('console capture', () => {
  let records: ConsoleRecord[];
  let stop: () => void;
  const original = { error: console.error, warn: console.warn, log: console.log };

  beforeEach(() => {
    records = [];
    console.error = console.warn = console.log = () => {}; // keep the test output quiet
  });
  afterEach(() => {
    stop?.();
    Object.assign(console, original);
  });

  function observe(levels?: string[], mask?: (s: string) => string): void {
    const win = window as Window & typeof globalThis;
    stop = observeConsole((r) => records.push(r), win, consolePluginOptions(levels, mask));
  }

  it('observeConsole_recordsErrorAndWarnOnlyByDefaultInThePluginFormat', () => {
    observe();
    console.error('failed', { code: 42 }, undefined);
    console.warn('careful');
    console.log('not recorded');
    expect(records.map((r) => [r.level, r.payload])).toEqual([
      ['error', ['"failed"', '{"code":42}', '"undefined"']],
      ['warn', ['"careful"']],
    ]);
    expect(records[0].trace.length).toBeGreaterThan(0);
    expect(records[0].trace[0]).toMatch(/^\S.*test\/console-capture.test.ts:\d+/); // starts at the caller
  });

  it('observeConsole_recordsThePolicysLevels', () => {
    observe(['log']);
    console.error('not recorded');
    console.log('recorded');
    expect(records.map((r) => r.level)).toEqual(['log']);
  });

  it('observeConsole_masksPiiInArguments', () => {
    observe(undefined, maskPii);
    console.error('no account for', 'alice@example.com');
    expect(records[0].payload).toEqual(['"no account for"', '"*****************"']);
  });

  it('observeConsole_cutsArgumentsAndTraces', () => {
    observe();
    const huge = 'e'.repeat(100_000);
    console.error(...Array(50).fill(huge));
    expect(records[0].payload).toHaveLength(10);
    expect(records[0].payload[0]).toHaveLength(MAX_ARG_CHARS + 1);
  });

  it('observeConsole_stopsAfterFiveHundredRecords', () => {
    observe();
    for (let i = 0; i < MAX_RECORDS + 10; i++) console.warn(i);
    expect(records).toHaveLength(MAX_RECORDS);
  });

  it('observeConsole_recordsUncaughtErrorsAndRejections', () => {
    observe();
    const error = new TypeError('x is undefined');
    window.dispatchEvent(new ErrorEvent('error', { message: 'Uncaught TypeError: x is undefined', error }));
    const rejection = new Event('unhandledrejection') as PromiseRejectionEvent;
    Object.defineProperty(rejection, 'reason', { value: new Error('nope') });
    window.dispatchEvent(rejection);
    expect(records.map((r) => r.payload)).toEqual([
      ['"Uncaught TypeError: x is undefined"'],
      ['"Uncaught (in promise) Error: nope"'],
    ]);
  });

  it('observeConsole_stopRestoresTheConsole', () => {
    const before = console.error;
    observe();
    expect(console.error).not.toBe(before);
    stop();
    expect(console.error).toBe(before);
    console.error('after');
    expect(records).toEqual([]);
  });

  it('stringify_writesElementsAsTheirTagNameAndSurvivesCycles', () => {
    const input = document.createElement('input');
    input.value = 'secret';
    expect(stringify(input)).toBe('"INPUT"');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(stringify(cyclic)).toBe('"[unserialisable]"');
    expect(stringify(10n)).toBe('"10n"');
    expect(stringify(() => 1)).toBe('"function"');
  });
});
