/**
 * Console capture as an rrweb record plugin that writes rrweb's console plugin format (`rrweb/console@1`:
 * `{level, trace, payload}`, each payload entry one argument as JSON), so replays show it as before.
 *
 * Our own rather than `@rrweb/rrweb-plugin-console-record`: it is a fifth of the size (the bundle budget), it
 * masks PII in what it records (policy `masking.piiText`), and it records an element as its tag name only,
 * where rrweb's plugin records its `outerHTML` with whatever text or input value the masking hides in the
 * replay. Bounded: at most 500 records per page, 10 arguments of 2,000 characters, 20 frames of 300.
 */

export const CONSOLE_PLUGIN = 'rrweb/console@1';
export const MAX_RECORDS = 500;
export const MAX_ARGS = 10;
export const MAX_ARG_CHARS = 2_000;
export const MAX_FRAMES = 20;
export const MAX_FRAME_CHARS = 300;

export interface ConsoleOptions {
  /** The console methods recorded (the policy's `console.levels`); `error` also records uncaught errors. */
  level: readonly string[];
  /** Applied to every recorded argument (PII masking, or none). */
  mask: (text: string) => string;
}

/** The payload of one console record. */
export interface ConsoleRecord {
  level: string;
  trace: string[];
  payload: string[];
}

/** Options of the plugin: the policy's levels (default error and warn) and the mask for arguments. */
export function consolePluginOptions(
  levels: readonly string[] = ['error', 'warn'],
  mask = (text: string) => text,
): ConsoleOptions {
  return { level: levels, mask };
}

/** The rrweb record plugin. */
export function consolePlugin(options: ConsoleOptions) {
  return { name: CONSOLE_PLUGIN, observer: observeConsole, options };
}

/** Starts recording `win`'s console to `emit`; returns the function that stops it. */
export function observeConsole(
  emit: (record: ConsoleRecord) => void,
  win: Window & typeof globalThis,
  { level, mask }: ConsoleOptions,
): () => void {
  let records = 0;
  let busy = false; // a console call made while recording one (e.g. by a toJSON) is not recorded
  const record = (recordLevel: string, args: unknown[], stack = new Error().stack, skip = 2) => {
    if (busy || records >= MAX_RECORDS) return;
    busy = true;
    records++;
    try {
      const payload = args.slice(0, MAX_ARGS).map((arg) => cut(mask(stringify(arg)), MAX_ARG_CHARS));
      const trace = (stack ?? '')
        .split('\n')
        .filter((line) => /:\d+/.test(line)) // frames name a line number; the message lines do not
        .slice(skip, skip + MAX_FRAMES) // skip: this function and the console wrapper
        .map((line) => cut(line.trim().replace(/^at /, ''), MAX_FRAME_CHARS));
      emit({ level: recordLevel, trace, payload });
    } finally {
      busy = false;
    }
  };
  const target = win.console as unknown as Record<string, unknown>;
  const undo = level.map((name) => {
    const original = target[name];
    if (typeof original !== 'function') return () => {};
    target[name] = function (this: unknown, ...args: unknown[]) {
      original.apply(this, args);
      if (name !== 'assert' || !args[0]) record(name, name === 'assert' ? args.slice(1) : args);
    };
    return () => {
      target[name] = original;
    };
  });
  const onError = (e: ErrorEvent) => record('error', [e.message], e.error?.stack ?? '', 0);
  const onRejection = ({ reason }: PromiseRejectionEvent) =>
    record(
      'error',
      reason instanceof Error
        ? [`Uncaught (in promise) ${reason.name}: ${reason.message}`]
        : ['Uncaught (in promise)', reason],
      reason?.stack ?? '',
      0,
    );
  if (level.includes('error')) {
    win.addEventListener('error', onError);
    win.addEventListener('unhandledrejection', onRejection);
  }
  return () => {
    undo.forEach((restore) => restore());
    win.removeEventListener('error', onError);
    win.removeEventListener('unhandledrejection', onRejection);
  };
}

/** One argument as JSON, as rrweb's console plugin writes it; an element as its tag name only. */
export function stringify(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_key, v: unknown) =>
        v === undefined
          ? 'undefined'
          : typeof v === 'bigint'
            ? `${v}n`
            : typeof v === 'function'
              ? 'function'
              : v instanceof Error
                ? v.stack || `${v.name}: ${v.message}`
                : v instanceof Node
                  ? v.nodeName
                  : v,
      ) ?? '"undefined"'
    );
  } catch {
    return '"[unserialisable]"'; // circular, or a getter that throws
  }
}

function cut(s: string, chars: number): string {
  return s.length > chars ? `${s.slice(0, chars)}…` : s;
}
