/**
 * The envelope's `identity`: the data subject a visitor's recordings belong to, named by `Witness.identify`.
 *
 * The subject id and the traits are personal data: they are checked and serialised once, when `identify` is
 * called (later changes to the caller's object do not leak into the batch), and kept in memory only. Lengths
 * are counted in UTF-16 code units, as JavaScript's and Java's `String.length` do.
 */

export type TraitValue = string | number | boolean;
export type Traits = Record<string, TraitValue>;

export const MAX_SUBJECT_CHARS = 256;
export const MAX_TRAITS = 32;
export const MAX_TRAIT_VALUE_CHARS = 1024;
const TRAIT_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * Checks `identify`'s arguments and returns the identity's JSON; throws a TypeError naming the rule broken.
 * The messages never contain the subject or a trait value (they may end up in a page's error reporting).
 */
export function identityJson(subject: unknown, traits?: unknown): string {
  if (typeof subject !== 'string' || subject.length < 1 || subject.length > MAX_SUBJECT_CHARS) {
    throw fail(`subjectId must be a string of 1 to ${MAX_SUBJECT_CHARS} characters`);
  }
  if (traits === undefined) return JSON.stringify({ subject });
  if (typeof traits !== 'object' || traits === null || Array.isArray(traits)) {
    throw fail('traits must be an object of names to strings, numbers or booleans');
  }
  const entries = Object.entries(traits);
  if (entries.length > MAX_TRAITS) throw fail(`at most ${MAX_TRAITS} traits`);
  for (const [name, value] of entries) {
    if (!TRAIT_NAME.test(name)) throw fail('a trait name must be 1 to 64 characters of [A-Za-z0-9_.-]');
    const ok = typeof value === 'string' || typeof value === 'boolean' || Number.isFinite(value);
    if (!ok) throw fail(`trait ${name} must be a string, a finite number or a boolean`);
    if (String(value).length > MAX_TRAIT_VALUE_CHARS) {
      throw fail(`trait ${name} is longer than ${MAX_TRAIT_VALUE_CHARS} characters`);
    }
  }
  // fromEntries defines own properties, so even a trait named __proto__ is kept as a trait
  return JSON.stringify(entries.length > 0 ? { subject, traits: Object.fromEntries(entries) } : { subject });
}

function fail(rule: string): TypeError {
  return new TypeError(`Witness.identify: ${rule}`);
}
