import { describe, expect, it } from 'vitest';
import {
  caretOffset,
  consentState,
  formatCount,
  formatRate,
  indent,
  ledgerTotals,
  lineColumnAt,
  outdent,
  policyContentType,
  matchesByPage,
  pageAt,
  problemLocation,
  readPreviewDraft,
  shortDigest,
  siteFromSearch,
  violationView,
} from './policy';

const DOC = 'consent:\n  mode: opt-in\nmasking:\n  maskTxt: [".balance"]\n';

describe('policyContentType', () => {
  it('policyContentType_objectFirst_isJson', () => {
    expect(policyContentType('{"consent":{}}')).toBe('application/json');
    expect(policyContentType('\n  \t{ }')).toBe('application/json');
    expect(policyContentType('\uFEFF{}')).toBe('application/json');
  });
  it('policyContentType_anythingElse_isYaml', () => {
    expect(policyContentType(DOC)).toBe('application/yaml');
    expect(policyContentType('# {not json}\nconsent: {}')).toBe('application/yaml');
    expect(policyContentType('')).toBe('application/yaml');
    expect(policyContentType('[1]')).toBe('application/yaml');
  });
});

describe('problemLocation', () => {
  it('problemLocation_lineAndColumn_areReadAndStripped', () => {
    expect(problemLocation('line 4, column 3: masking.maskTxt: unknown field; did you mean "maskText"?')).toEqual({
      line: 4,
      column: 3,
      text: 'masking.maskTxt: unknown field; did you mean "maskText"?',
    });
  });
  it('problemLocation_unknownColumn_isFirstColumn', () => {
    expect(problemLocation('line 2, column 0: not valid YAML')).toEqual({ line: 2, column: 1, text: 'not valid YAML' });
  });
  it('problemLocation_wholeDocumentOrOtherText_isUndefined', () => {
    expect(problemLocation('the document must be an object (a mapping)')).toBeUndefined();
    expect(problemLocation('consent.mode: see line 3, column 2: nothing')).toBeUndefined();
    expect(problemLocation('line 0, column 0: empty')).toBeUndefined();
  });
});

describe('violationView', () => {
  it('violationView_splitsPlaceFieldAndMessage', () => {
    expect(violationView({ field: 'consent.mode', message: 'line 2, column 9: must be opt-in or opt-out' })).toEqual({
      location: { line: 2, column: 9 },
      field: 'consent.mode',
      text: 'must be opt-in or opt-out',
    });
  });
  it('violationView_messageRepeatingItsField_showsItOnce', () => {
    expect(violationView({ field: 'masking.maskTxt', message: 'line 4, column 3: masking.maskTxt: unknown field' })).toEqual({
      location: { line: 4, column: 3 },
      field: 'masking.maskTxt',
      text: 'unknown field',
    });
  });
  it('violationView_wholeDocument_hasNoPlaceOrField', () => {
    expect(violationView({ field: 'document', message: 'the document must be an object (a mapping)' })).toEqual({
      text: 'the document must be an object (a mapping)',
    });
    expect(violationView({}).text).toBe('invalid');
  });
});

describe('caretOffset', () => {
  it('caretOffset_lineAndColumn_pointsAtThatCharacter', () => {
    const at = caretOffset(DOC, 4, 3);
    expect(DOC.slice(at, at + 7)).toBe('maskTxt');
    expect(caretOffset(DOC, 1, 1)).toBe(0);
    expect(DOC[caretOffset(DOC, 2, 3)]).toBe('m');
  });
  it('caretOffset_columnPastLineEnd_staysOnThatLine', () => {
    expect(caretOffset(DOC, 1, 99)).toBe('consent:'.length);
    expect(caretOffset('a\nbc', 2, 99)).toBe(4);
  });
  it('caretOffset_linePastEnd_isEndOfText', () => {
    expect(caretOffset(DOC, 99, 1)).toBe(DOC.length);
    expect(caretOffset('', 3, 3)).toBe(0);
  });
  it('caretOffset_emptyLine_isItsStart', () => {
    expect(caretOffset('a\n\nb', 2, 5)).toBe(2);
  });
  it('lineColumnAt_isTheInverse', () => {
    for (const [line, column] of [[1, 1], [2, 3], [4, 3], [5, 1]] as const) {
      expect(lineColumnAt(DOC, caretOffset(DOC, line, column))).toEqual({ line, column });
    }
    expect(lineColumnAt(DOC, 'consent:'.length)).toEqual({ line: 1, column: 9 });
    expect(lineColumnAt(DOC, -5)).toEqual({ line: 1, column: 1 });
  });
});

describe('indent and outdent', () => {
  it('indent_withinALine_replacesSelectionByTwoSpaces', () => {
    expect(indent('ab', 1, 1)).toEqual({ value: 'a  b', start: 3, end: 3 });
    expect(indent('abc', 1, 2)).toEqual({ value: 'a  c', start: 3, end: 3 });
  });
  it('indent_acrossLines_indentsEveryTouchedLine', () => {
    // Selection from inside "a:" to the start of "c": lines 1 and 2 are touched, line 3 is not.
    const text = 'a:\nb: 1\nc: 2';
    const r = indent(text, 1, text.indexOf('c'));
    expect(r.value).toBe('  a:\n  b: 1\nc: 2');
    expect(r.value.slice(r.start, r.end)).toBe(':\n  b: 1\n');
  });
  it('outdent_removesUpToOneIndentPerLine', () => {
    const text = 'a:\n   b: 1\n c: 2\nd';
    const r = outdent(text, text.indexOf('b'), text.indexOf('d'));
    expect(r.value).toBe('a:\n b: 1\nc: 2\nd');
    expect(r.value.slice(r.start, r.end)).toBe('b: 1\nc: 2\n');
  });
  it('outdent_caretInsideTheIndent_movesToLineStart', () => {
    expect(outdent('x\n  y', 3, 3)).toEqual({ value: 'x\ny', start: 2, end: 2 });
    expect(outdent('y', 0, 0)).toEqual({ value: 'y', start: 0, end: 0 });
  });
});

describe('ledger figures', () => {
  it('formatRate_fraction_isPercentWithOneDecimal', () => {
    expect(formatRate(0)).toBe('0%');
    expect(formatRate(0.125)).toBe('12.5%');
    expect(formatRate(0.3333)).toBe('33.3%');
    expect(formatRate(0.5)).toBe('50%');
    expect(formatRate(1)).toBe('100%');
    expect(formatRate(0.0001)).toBe('< 0.1%');
  });
  it('formatRate_notANumber_isDash', () => {
    expect(formatRate(Number.NaN)).toBe('—');
    expect(formatRate(-1)).toBe('—');
  });
  it('formatCount_groupsThousands', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(0)).toBe('0');
  });
  it('ledgerTotals_sumsVersions_andRateOfAllGrants', () => {
    expect(ledgerTotals([
      { grants: 30, withdrawals: 3, inForce: 20 },
      { grants: 10, withdrawals: 1, inForce: 9 },
    ])).toEqual({ grants: 40, withdrawals: 4, inForce: 29, withdrawalRate: 0.1 });
    expect(ledgerTotals([]).withdrawalRate).toBe(0);
  });
  it('consentState_withdrawnThenExpiredThenInForce', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    expect(consentState({ expiresAt: '2026-01-01T00:00:00Z', withdrawnAt: '2025-12-01T00:00:00Z' }, now)).toBe('withdrawn');
    expect(consentState({ expiresAt: '2026-05-31T23:59:59Z' }, now)).toBe('expired');
    expect(consentState({ expiresAt: '2026-11-28T00:00:00Z' }, now)).toBe('in-force');
    expect(consentState({ expiresAt: 'garbage' }, now)).toBe('in-force');
  });
});

describe('page helpers', () => {
  it('shortDigest_keepsTwelveCharacters', () => {
    expect(shortDigest('0123456789abcdef0123')).toBe('0123456789ab…');
    expect(shortDigest('abc')).toBe('abc');
  });
  it('siteFromSearch_defaultsToDemo', () => {
    expect(siteFromSearch('?site=shop')).toBe('shop');
    expect(siteFromSearch('')).toBe('demo');
    expect(siteFromSearch('?site=%20')).toBe('demo');
  });
});

describe('preview draft', () => {
  it('readPreviewDraft_wellFormed_isRead', () => {
    const d = { siteId: 'demo', document: 'pii: { action: quarantine }', contentType: 'application/yaml' };
    expect(readPreviewDraft(JSON.stringify(d))).toEqual(d);
  });

  it('readPreviewDraft_missingOrBroken_isUndefined', () => {
    expect(readPreviewDraft(null)).toBeUndefined();
    expect(readPreviewDraft('{not json')).toBeUndefined();
    expect(readPreviewDraft(JSON.stringify({ siteId: 'demo' }))).toBeUndefined();
  });
});

describe('preview outlines', () => {
  it('pageAt_picksTheLastSnapshotAtOrBeforeTheTime', () => {
    expect(pageAt([100, 500], 50)).toBe(0);
    expect(pageAt([100, 500], 100)).toBe(0);
    expect(pageAt([100, 500], 499)).toBe(0);
    expect(pageAt([100, 500], 500)).toBe(1);
    expect(pageAt([], 10)).toBe(0);
  });

  it('matchesByPage_groups', () => {
    const m = matchesByPage([
      { page: 0, nodeId: 5, rules: ['mask-text table'] },
      { page: 1, nodeId: 5, rules: ['block nav'] },
      { page: 0, nodeId: 9, rules: ['sensitive name'] },
    ]);
    expect(m.get(0)?.map((x) => x.nodeId)).toEqual([5, 9]);
    expect(m.get(1)?.[0].rules).toEqual(['block nav']);
  });
});
