import type { RecordedEvent } from './envelope';

/**
 * Console capture through rrweb's console plugin, kept small: only errors and warnings, a bounded number of
 * records per page, and every recorded argument and stack frame cut to a fixed length (the plugin itself does
 * not cut plain strings).
 */

export const CONSOLE_PLUGIN = 'rrweb/console@1';
export const MAX_ARGS = 10;
export const MAX_ARG_CHARS = 2_000;
export const MAX_FRAMES = 20;
export const MAX_FRAME_CHARS = 300;

/** Options for `getRecordConsolePlugin`. */
export const consolePluginOptions = {
  level: ['error', 'warn'] as Array<'error' | 'warn'>,
  lengthThreshold: 500,
  stringifyOptions: { stringLengthLimit: MAX_ARG_CHARS, numOfKeysLimit: 50, depthOfLimit: 4 },
};

interface ConsoleData {
  plugin?: unknown;
  payload?: { payload?: unknown; trace?: unknown };
}

/** Returns a console plugin event with its arguments and trace cut to size; other events unchanged. */
export function capConsoleEvent(event: RecordedEvent): RecordedEvent {
  const data = event.data as ConsoleData | null;
  if (!data || data.plugin !== CONSOLE_PLUGIN || !data.payload) return event;
  const payload = {
    ...data.payload,
    payload: cap(data.payload.payload, MAX_ARGS, MAX_ARG_CHARS),
    trace: cap(data.payload.trace, MAX_FRAMES, MAX_FRAME_CHARS),
  };
  return { ...event, data: { ...data, payload } };
}

function cap(list: unknown, items: number, chars: number): unknown {
  if (!Array.isArray(list)) return list;
  return list
    .slice(0, items)
    .map((s: unknown) => (typeof s === 'string' && s.length > chars ? `${s.slice(0, chars)}…` : s));
}
