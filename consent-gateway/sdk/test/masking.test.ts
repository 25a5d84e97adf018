import { beforeEach, describe, expect, it } from 'vitest';
import { maskAttributePii, maskingOptions } from '../src/masking';
import { resolveOptions, type WitnessOptions } from '../src/options';
import type { SitePolicy } from '../src/policy';
import { POLICY } from './fakes';

function masking(masking: SitePolicy['masking'], options: Partial<WitnessOptions> = {}) {
  const resolved = resolveOptions({ endpoint: 'https://w.test', siteKey: 'k', ...options });
  return maskingOptions({ ...POLICY, masking }, resolved);
}

function input(type: string, attributes: Record<string, string> = {}): HTMLElement {
  const el = document.createElement(type === 'textarea' || type === 'select' ? type : 'input');
  if (el instanceof HTMLInputElement) el.type = type;
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  return el;
}

describe('maskingOptions', () => {
  beforeEach(() => {
    document.body.innerHTML = `
      <p id="plain">plain</p>
      <div class="balance"><span id="balance">1,234.00</span>
        <span class="public" id="unmasked">Balance</span></div>
      <div class="rr-mask public"><span id="marked">marked</span></div>`;
  });
  const el = (id: string) => document.getElementById(id)!;

  it('maskingOptions_inputsAllMasksEveryInput', () => {
    const m = masking({ inputs: 'all' });
    expect(m.maskAllInputs).toBe(true);
    for (const type of ['text', 'email', 'search', 'textarea', 'select']) {
      expect(m.maskInputFn('abc d', input(type))).toBe('*****');
    }
  });

  it('maskingOptions_aListMasksThoseTypesAndPasswordAndPiiInTheRest', () => {
    const m = masking({ inputs: ['email', 'textarea'], piiText: true });
    expect(m.maskAllInputs).toBe(true); // so that every type reaches maskInputFn
    expect(m.maskInputFn('alice@example.com', input('email'))).toBe('*'.repeat(17));
    expect(m.maskInputFn('long text', input('textarea'))).toBe('*********');
    expect(m.maskInputFn('hunter2', input('password'))).toBe('*******');
    expect(m.maskInputFn('hunter2', input('text', { 'data-rr-is-password': 'true' }))).toBe('*******');
    expect(m.maskInputFn('Berlin', input('text'))).toBe('Berlin');
    expect(m.maskInputFn('card 4111 1111 1111 1111', input('text'))).toBe(`card ${'*'.repeat(19)}`);
  });

  it('maskingOptions_withoutPiiTextUnlistedInputsAreKept', () => {
    const m = masking({ inputs: ['email'], piiText: false });
    expect(m.maskInputFn('4111 1111 1111 1111', input('text'))).toBe('4111 1111 1111 1111');
    expect(m.maskInputFn('hunter2', input('password'))).toBe('*******');
  });

  it('maskingOptions_theMaskAllInputsOptionOverridesAList', () => {
    expect(masking({ inputs: ['email'] }, { maskAllInputs: true }).maskInputFn('Berlin', input('text'))).toBe('******');
  });

  it('maskingOptions_piiTextSendsEveryTextToMaskTextFn', () => {
    const m = masking({ maskText: ['.balance'], piiText: true });
    expect(m.maskTextSelector).toBe('*');
    expect(m.maskTextFn('mail alice@example.com', el('plain'))).toBe(`mail ${'*'.repeat(17)}`);
    expect(m.maskTextFn('plain', el('plain'))).toBe('plain');
    expect(m.maskTextFn('1,234.00 EUR', el('balance'))).toBe('******** ***');
  });

  it('maskingOptions_whitespaceIsKeptWithoutLookingAtAncestors', () => {
    const m = masking({ maskText: ['.balance'], piiText: true });
    const balance = el('balance');
    let walked = 0;
    balance.closest = ((s: string) => (walked++, Element.prototype.closest.call(balance, s))) as typeof balance.closest;
    expect(m.maskTextFn('\n      \t ', balance)).toBe('\n      \t ');
    expect(m.maskTextFn('', null)).toBe('');
    expect(walked).toBe(0);
    expect(m.maskTextFn(' 12 ', balance)).toBe(' ** ');
    expect(walked).toBeGreaterThan(0);
  });

  it('maskingOptions_unmaskExemptsFromThePolicysMaskTextOnly', () => {
    const m = masking({ maskText: ['.balance'], unmask: ['.public'], piiText: false });
    expect(m.maskTextSelector).toBe('.rr-mask,.balance');
    expect(m.maskTextFn('1,234.00', el('balance'))).toBe('********');
    expect(m.maskTextFn('Balance', el('unmasked'))).toBe('Balance');
    expect(m.maskTextFn('marked', el('marked'))).toBe('******'); // rr-mask is the page's: unmask does not apply
    const withPii = masking({ maskText: ['.balance'], unmask: ['.public'], piiText: true });
    expect(withPii.maskTextFn('alice@example.com', el('unmasked'))).toBe('*'.repeat(17)); // never from PII
  });

  it('maskingOptions_pageSelectorsAddToThePolicy', () => {
    const m = masking({ maskText: [], block: ['.card-form'], piiText: false }, {
      maskTextSelector: '.private',
      blockSelector: '.ads',
    });
    expect(m.maskTextSelector).toBe('.rr-mask,.private');
    expect(m.blockSelector).toBe('#witness-consent,.card-form,.ads');
    expect(masking(undefined).blockSelector).toBe('#witness-consent'); // the banner is never recorded
  });

  it('maskingOptions_defaultsAreStrict', () => {
    const m = masking(undefined);
    expect(m.maskInputFn('Berlin', input('text'))).toBe('******');
    expect(m.maskTextSelector).toBe('*');
    expect(m.maskTextFn('+49 30 1234567', el('plain'))).toBe('*'.repeat(14));
  });

  it('maskAttributePii_masksTextAttributesOfSnapshotsAndMutations_notGeometryOrStyles', () => {
    const snapshot = {
      type: 2,
      data: {
        node: {
          type: 0,
          childNodes: [
            {
              type: 2,
              tagName: 'a',
              attributes: { href: 'mailto:jane@example.com', title: 'Card 4111 1111 1111 1111', class: 'x4111111111111111' },
              childNodes: [
                { type: 2, tagName: 'path', attributes: { d: 'M 4111 1111 1111 1111 L 0 0' }, childNodes: [] },
                { type: 2, tagName: 'img', attributes: { src: 'data:image/png;base64,jane@example.com', 'data-user': 'jane@example.com' }, childNodes: [] },
              ],
            },
          ],
        },
      },
    };
    maskAttributePii(snapshot);
    const a = snapshot.data.node.childNodes[0]!;
    expect(a.attributes).toEqual({ href: 'mailto:****************', title: 'Card *******************', class: 'x4111111111111111' });
    expect(a.childNodes[0]!.attributes).toEqual({ d: 'M 4111 1111 1111 1111 L 0 0' });
    expect(a.childNodes[1]!.attributes).toEqual({ src: 'data:image/png;base64,jane@example.com', 'data-user': '****************' });

    const mutation = {
      type: 3,
      data: {
        source: 0,
        adds: [{ parentId: 1, node: { type: 2, tagName: 'span', attributes: { 'aria-label': 'call +49 30 1234 5678' }, childNodes: [] } }],
        attributes: [{ id: 5, attributes: { placeholder: 'e.g. jane@example.com', style: 'width: 4111111111111111px' } }],
        texts: [],
        removes: [],
      },
    };
    maskAttributePii(mutation);
    expect(mutation.data.adds[0]!.node.attributes['aria-label']).toBe('call ****************');
    expect(mutation.data.attributes[0]!.attributes).toEqual({ placeholder: 'e.g. ****************', style: 'width: 4111111111111111px' });
  });
});
