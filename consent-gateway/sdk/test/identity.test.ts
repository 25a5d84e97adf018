import { describe, expect, it } from 'vitest';
import { identityJson } from '../src/identity';

describe('identityJson', () => {
  it('identityJson_serialisesSubjectAndTraits', () => {
    expect(JSON.parse(identityJson('customer-4711', { plan: 'pro', seats: 12, beta: false, 'a.b-c_d': '' }))).toEqual(
      { subject: 'customer-4711', traits: { plan: 'pro', seats: 12, beta: false, 'a.b-c_d': '' } },
    );
  });

  it('identityJson_omitsAbsentOrEmptyTraits', () => {
    expect(identityJson('s')).toBe('{"subject":"s"}');
    expect(identityJson('s', {})).toBe('{"subject":"s"}');
  });

  it('identityJson_acceptsTheLimits', () => {
    const traits = Object.fromEntries(Array.from({ length: 32 }, (_, i) => [`t${i}`.padEnd(64, 'x'), 'v'.repeat(1024)]));
    const parsed = JSON.parse(identityJson('s'.repeat(256), traits));
    expect(Object.keys(parsed.traits)).toHaveLength(32);
  });

  it('identityJson_keepsATraitNamedProto', () => {
    const traits = JSON.parse('{"__proto__":"x"}') as Record<string, string>;
    expect(JSON.parse(identityJson('s', traits)).traits).toEqual(JSON.parse('{"__proto__":"x"}'));
  });

  it('identityJson_copiesTheTraitsAtCallTime', () => {
    const traits: Record<string, string> = { plan: 'pro' };
    const json = identityJson('s', traits);
    traits.plan = 'free';
    expect(JSON.parse(json).traits.plan).toBe('pro');
  });

  it.each([
    ['an empty subject', '', undefined, /subjectId/],
    ['a subject over 256 characters', 's'.repeat(257), undefined, /subjectId/],
    ['a subject that is not a string', 4711, undefined, /subjectId/],
    ['traits that are not an object', 's', 'plan=pro', /traits must be an object/],
    ['null traits', 's', null, /traits must be an object/],
    ['traits as an array', 's', ['pro'], /traits must be an object/],
    ['an empty trait name', 's', { '': 'x' }, /trait name/],
    ['a trait name with a space', 's', { 'the plan': 'x' }, /trait name/],
    ['a trait name over 64 characters', 's', { ['n'.repeat(65)]: 'x' }, /trait name/],
    ['33 traits', 's', Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`t${i}`, i])), /at most 32/],
    ['a nested object', 's', { address: { city: 'Berlin' } }, /trait address must be/],
    ['an array value', 's', { tags: ['a'] }, /trait tags must be/],
    ['a null value', 's', { plan: null }, /trait plan must be/],
    ['NaN', 's', { score: Number.NaN }, /trait score must be a string, a finite number/],
    ['Infinity', 's', { score: Infinity }, /trait score must be/],
    ['a value over 1024 characters', 's', { bio: 'b'.repeat(1025) }, /trait bio is longer than 1024/],
  ])('identityJson_rejects %s', (_, subject, traits, message) => {
    expect(() => identityJson(subject, traits)).toThrow(TypeError);
    expect(() => identityJson(subject, traits)).toThrow(message);
  });

  it('identityJson_errorsNeverContainTheSubjectOrAValue', () => {
    const messages = [
      () => identityJson('alice@example.com'.repeat(20)),
      () => identityJson('alice@example.com', { email: 'bob@example.com'.repeat(100) }),
      () => identityJson('alice@example.com', { email: { value: 'bob@example.com' } }),
    ].map((call) => {
      try {
        call();
      } catch (e) {
        return (e as Error).message;
      }
      throw new Error('did not throw');
    });
    for (const message of messages) expect(message).not.toMatch(/@example\.com/);
  });
});
