import { beforeEach, describe, expect, it } from 'vitest';
import { maskEventPii, maskingOptions } from '../src/masking';
import { resolveOptions, type WitnessOptions } from '../src/options';
import type { SitePolicy } from '../src/policy';
import { POLICY } from './fakes';

function masking(masking: SitePolicy['masking'], options: Partial<WitnessOptions> = {}) {
  const resolved = resolveOptions({ endpoint: 'https://w.test', siteKey: 'k', ...options });
  return maskingOptions({ ...POLICY, masking }, resolved);
}

/** A full snapshot event of a document with these children. */
function snapshotOf<T>(childNodes: T[]) {
  return { type: 2, data: { node: { type: 0, childNodes } } };
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

  it('maskingOptions_onlyMaskedTextGoesToMaskTextFn_piiIsMaskedInTheEvent', () => {
    const m = masking({ maskText: ['.balance'], piiText: true });
    expect(m.maskTextSelector).toBe('.balance'); // ordinary text: no ancestor walk, no parent lookup
    expect(m.maskTextFn('1,234.00 EUR', el('balance'))).toBe('******** ***');
    expect(m.maskTextFn('\n  12 \t', el('balance'))).toBe('\n  ** \t');
    expect(m.maskTextFn('12', null)).toBe('**');
  });

  it('maskingOptions_unmaskExemptsFromThePolicysMaskTextOnly', () => {
    const m = masking({ maskText: ['.balance'], unmask: ['.public'], piiText: false });
    expect(m.maskTextSelector).toBe('.balance');
    expect(m.maskTextFn('1,234.00', el('balance'))).toBe('********');
    expect(m.maskTextFn('Balance', el('unmasked'))).toBe('Balance');
    expect(m.maskTextFn('marked', el('marked'))).toBe('******'); // rr-mask is the page's: unmask does not apply
    const withPii = masking({ maskText: ['.balance'], unmask: ['.public'], piiText: true });
    expect(withPii.maskTextFn('alice@example.com', el('unmasked'))).toBe('alice@example.com'); // PII: maskEventPii
  });

  it('maskingOptions_pageSelectorsAddToThePolicy', () => {
    const m = masking({ maskText: [], block: ['.card-form'], piiText: false }, {
      maskTextSelector: '.private',
      blockSelector: '.ads',
    });
    expect(m.maskTextSelector).toBe('.private');
    expect(m.blockSelector).toBe('.card-form,.ads');
    expect(masking(undefined).blockSelector).toBe(''); // rrweb does no selector matching for blocking
  });

  it('maskingOptions_defaultsAreStrict', () => {
    const m = masking(undefined);
    expect(m.maskInputFn('Berlin', input('text'))).toBe('******');
    expect(m.maskTextSelector).toBe(''); // rrweb's own maskTextClass is rr-mask
    expect(m.maskTextFn('Jane', el('marked'))).toBe('****');
  });

  it('maskEventPii_masksTextAttributesOfSnapshotsAndMutations_notGeometryOrStyles', () => {
    const snapshot = snapshotOf([
      {
        type: 2,
        tagName: 'a',
        attributes: { href: 'mailto:jane@example.com', title: 'Card 4111 1111 1111 1111', class: 'x4111111111111111' },
        childNodes: [
          { type: 2, tagName: 'path', attributes: { d: 'M 4111 1111 1111 1111 L 0 0' }, childNodes: [] },
          { type: 2, tagName: 'img', attributes: { src: 'data:image/png;base64,jane@example.com', 'data-user': 'jane@example.com' }, childNodes: [] },
        ],
      },
    ]);
    maskEventPii(snapshot);
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
    maskEventPii(mutation);
    expect(mutation.data.adds[0]!.node.attributes['aria-label']).toBe('call ****************');
    expect(mutation.data.attributes[0]!.attributes).toEqual({ placeholder: 'e.g. ****************', style: 'width: 4111111111111111px' });
  });

  it('maskEventPii_masksTextNodesAndTextChanges_notStylesheets', () => {
    const snapshot = snapshotOf([
      { type: 2, tagName: 'p', attributes: {}, childNodes: [{ type: 3, textContent: 'mail alice@example.com' }] },
      { type: 2, tagName: 'style', attributes: {}, childNodes: [{ type: 3, textContent: '.x{width:4111111111111111px}', isStyle: true }] },
      { type: 3, textContent: 'plain' },
    ]);
    maskEventPii(snapshot);
    const [p, style, plain] = snapshot.data.node.childNodes as Array<{ textContent?: string; childNodes?: Array<{ textContent: string }> }>;
    expect(p!.childNodes![0]!.textContent).toBe(`mail ${'*'.repeat(17)}`);
    expect(style!.childNodes![0]!.textContent).toBe('.x{width:4111111111111111px}');
    expect(plain!.textContent).toBe('plain');

    const mutation = {
      type: 3,
      data: {
        source: 0,
        adds: [{ parentId: 1, nextId: null, node: { type: 3, textContent: 'SSN 123-45-6789', id: 9 } }],
        texts: [{ id: 4, value: 'call +49 30 1234 5678' }, { id: 5, value: null }],
        attributes: [],
        removes: [],
      },
    };
    maskEventPii(mutation);
    expect(mutation.data.adds[0]!.node.textContent).toBe(`SSN ${'*'.repeat(11)}`);
    expect(mutation.data.texts).toEqual([{ id: 4, value: 'call ****************' }, { id: 5, value: null }]);
  });
});
