import { describe, expect, it } from 'vitest';
import {
  blockingSignal,
  fnv1a32,
  globRegExp,
  readSignals,
  sampled,
  scope,
  type SitePolicy,
  stripQuery,
} from '../src/policy';
import { POLICY } from './fakes';

function policyWith(capture: SitePolicy['capture']): SitePolicy {
  return { ...POLICY, capture };
}

describe('URL scope', () => {
  it.each([
    ['/**', '/', true],
    ['/**', '/a/b/c', true],
    ['/checkout/payment/**', '/checkout/payment', true],
    ['/checkout/payment/**', '/checkout/payment/', true],
    ['/checkout/payment/**', '/checkout/payment/card/3', true],
    ['/checkout/payment/**', '/checkout/payments', false],
    ['/checkout/payment/**', '/checkout', false],
    ['/account/*/settings', '/account/42/settings', true],
    ['/account/*/settings', '/account/42/x/settings', false],
    ['/account/*', '/account/', true],
    ['/a/**/z', '/a/z', true],
    ['/a/**/z', '/a/b/c/z', true],
    ['/a/**/z', '/az', false],
    ['/docs/v1.0/*', '/docs/v1x0/page', false], // a dot is a dot
    ['/p(1)', '/p(1)', true],
    ['*.html', 'index.html', true],
  ])('globRegExp_%s_on_%s_is_%s', (glob, path, matches) => {
    expect(globRegExp(glob).test(path)).toBe(matches);
  });

  it('scope_allowedBySomeAllowAndNoDeny', () => {
    const inScope = scope(POLICY); // allow /**, deny /checkout/payment/**
    expect(['/', '/checkout', '/checkout/done'].map(inScope)).toEqual([true, true, true]);
    expect(['/checkout/payment', '/checkout/payment/card'].map(inScope)).toEqual([false, false]);
    const only = scope(policyWith({ allow: ['/shop/**', '/help'], deny: ['/shop/admin/**'] }));
    expect(['/shop', '/shop/x', '/help', '/help/x', '/shop/admin/users', '/'].map(only)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  it('scope_defaultsToEverythingAndNothingDenied', () => {
    expect(scope(policyWith(undefined))('/anything/at/all')).toBe(true);
    expect(scope(policyWith({ allow: [] }))('/')).toBe(false);
  });
});

describe('sampling', () => {
  it('fnv1a32_matchesTheReferenceVectors', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
    expect(fnv1a32('foobar')).toBe(0xbf9cf968);
  });

  it('fnv1a32_hashesTheUtf8Bytes', () => {
    expect(fnv1a32('ü')).toBe(0x119dd44a); // bytes C3 BC; over the UTF-16 unit 0xFC it would be 0x790b80bb
  });

  it('sampled_comparesTheHashShareWithTheSamplingRate', () => {
    const visitor = 'Vq3xN8rT1kLmQw7pZ2aB9c'; // fnv1a32("site-key-1:" + visitor) / 2^32 = 0.8382...
    expect(fnv1a32(`site-key-1:${visitor}`)).toBe(0xd695535d);
    const rate = (sampling: number) => sampled(policyWith({ sampling }), 'site-key-1', visitor);
    expect([rate(1), rate(0.85), rate(0.8382), rate(0.8), rate(0)]).toEqual([true, true, false, false, false]);
    expect(sampled(policyWith({}), 'site-key-1', visitor)).toBe(true); // default 1
  });
});

describe('signals and URLs', () => {
  it('readSignals_countsOnlyTrueGpcAndDntOne', () => {
    expect(readSignals({ globalPrivacyControl: true, doNotTrack: '1' })).toEqual({ gpc: true, dnt: true });
    const strings = { globalPrivacyControl: 'true', doNotTrack: 'unspecified' };
    expect(readSignals(strings)).toEqual({ gpc: false, dnt: false });
    expect(readSignals({ doNotTrack: '0' })).toEqual({ gpc: false, dnt: false });
  });

  it('blockingSignal_namesTheSignalThePolicyHonours', () => {
    expect(blockingSignal(POLICY, { gpc: true, dnt: false })).toBe('Global Privacy Control');
    expect(blockingSignal(POLICY, { gpc: false, dnt: true })).toBe('Do Not Track');
    expect(blockingSignal(POLICY, { gpc: false, dnt: false })).toBeUndefined();
    const ignoring = { ...POLICY, consent: { ...POLICY.consent, gpc: 'ignore', dnt: 'ignore' } } as SitePolicy;
    expect(blockingSignal(ignoring, { gpc: true, dnt: true })).toBeUndefined();
    const silent = { ...POLICY, consent: { notice: POLICY.consent.notice } } as SitePolicy;
    expect(blockingSignal(silent, { gpc: true, dnt: false })).toBe('Global Privacy Control'); // default honours
  });

  it('stripQuery_removesQueryAndFragment', () => {
    expect(stripQuery('https://shop.example/a/b?q=alice#top')).toBe('https://shop.example/a/b');
    expect(stripQuery('https://shop.example/a#x?y')).toBe('https://shop.example/a');
    expect(stripQuery('https://shop.example/')).toBe('https://shop.example/');
  });
});
