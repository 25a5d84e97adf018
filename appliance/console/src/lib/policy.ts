/**
 * Pure logic of the "Policy & consent" page: the policy document's content type, where a validation problem points
 * in the editor's text, the editor's indentation keys and the consent ledger's figures. No DOM here.
 *
 * Offsets are in UTF-16 code units of the textarea's value, whose line breaks are always `\n` (browsers normalise
 * the value). Lines and columns are 1-based, as the policy parser reports them (policy-rules/README.md); a column
 * counts characters, so one tab is one column.
 */
import type { PreviewDraft, PreviewMatch } from './types';

/** The site the page opens with when the URL names none. */
export const DEFAULT_SITE = 'demo';

/** What one indentation step inserts: YAML forbids tabs in indentation. */
export const INDENT = '  ';

/** The media type to send a policy document as: JSON when its first character (after blanks) is `{`, else YAML. */
export function policyContentType(document: string): 'application/json' | 'application/yaml' {
  return document.replace(/^\uFEFF/, '').trimStart().startsWith('{') ? 'application/json' : 'application/yaml';
}

/** A validation problem's place in the document, and its message without the place. */
export interface ProblemLocation {
  line: number;
  column: number;
  /** The rest of the message, e.g. `masking.maskTxt: unknown field; did you mean "maskText"?`. */
  text: string;
}

const LOCATION = /^\s*line (\d+), column (\d+):\s*/i;

/** Reads `line L, column C: …` at the start of a violation message; undefined for a problem of the whole document. */
export function problemLocation(message: string): ProblemLocation | undefined {
  const m = LOCATION.exec(message);
  if (!m) return undefined;
  const line = Number(m[1]);
  if (!(line >= 1)) return undefined;
  return { line, column: Math.max(1, Number(m[2])), text: message.slice(m[0].length) };
}

/** A violation as the page lists it: where (if known), the field (undefined for the whole document) and what. */
export interface ViolationView {
  location?: { line: number; column: number };
  field?: string;
  text: string;
}

/**
 * Splits a violation of the policy problem (`{field, message}`, message `line L, column C: …`) for display: the
 * place, the field, and the message without either (the server repeats neither, but a message that starts with
 * its field does not show it twice).
 */
export function violationView(v: { field?: string; message?: string }): ViolationView {
  const message = v.message ?? '';
  const loc = problemLocation(message);
  let text = loc ? loc.text : message;
  const field = v.field && v.field !== 'document' ? v.field : undefined;
  if (field && text.startsWith(`${field}: `)) text = text.slice(field.length + 2);
  return { ...(loc ? { location: { line: loc.line, column: loc.column } } : {}), ...(field ? { field } : {}), text: text.trim() || 'invalid' };
}

/**
 * The offset in `text` of a 1-based line and column, clamped into the text: a line past the end gives the end of
 * the text, a column past the end of its line gives the end of that line (never the next line's start).
 */
export function caretOffset(text: string, line: number, column: number): number {
  let start = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return text.length;
    start = nl + 1;
  }
  const nl = text.indexOf('\n', start);
  const end = nl < 0 ? text.length : nl;
  return Math.min(start + Math.max(0, Math.floor(column) - 1), end);
}

/** The 1-based line and column of an offset in `text` (the inverse of {@link caretOffset}). */
export function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  const at = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: at - lineStart + 1 };
}

/** A textarea's value and selection after an edit. */
export interface Edit {
  value: string;
  start: number;
  end: number;
}

/** The start of the line that holds `offset`. */
function lineStartOf(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The starts of the lines a selection touches (a selection ending at a line's start does not touch that line). */
function touchedLineStarts(text: string, start: number, end: number): number[] {
  const last = end > start && text[end - 1] === '\n' ? end - 1 : end;
  const starts = [lineStartOf(text, start)];
  for (let i = text.indexOf('\n', starts[0]); i >= 0 && i < last; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * Tab in the editor: within one line, the selection is replaced by {@link INDENT}; across lines, every line it
 * touches is indented and stays selected.
 */
export function indent(text: string, start: number, end: number): Edit {
  if (!text.slice(start, end).includes('\n')) {
    const caret = start + INDENT.length;
    return { value: text.slice(0, start) + INDENT + text.slice(end), start: caret, end: caret };
  }
  const starts = touchedLineStarts(text, start, end);
  let value = text;
  for (const s of [...starts].reverse()) value = value.slice(0, s) + INDENT + value.slice(s);
  return { value, start: start + INDENT.length, end: end + INDENT.length * starts.length };
}

/** Shift+Tab in the editor: every line the selection touches loses up to one {@link INDENT} of leading spaces. */
export function outdent(text: string, start: number, end: number): Edit {
  const starts = touchedLineStarts(text, start, end);
  let value = text;
  let newStart = start;
  let newEnd = end;
  for (const s of [...starts].reverse()) {
    let n = 0;
    while (n < INDENT.length && value[s + n] === ' ') n++;
    if (n === 0) continue;
    value = value.slice(0, s) + value.slice(s + n);
    // Positions after the removed spaces move back; those inside them move to the line's start.
    newEnd = newEnd >= s + n ? newEnd - n : Math.min(newEnd, s);
    newStart = newStart >= s + n ? newStart - n : Math.min(newStart, s);
  }
  return { value, start: newStart, end: newEnd };
}

/** A fraction (0–1) as a percentage for the ledger: `0%`, `< 0.1%`, `12.5%`, `100%`; `—` when not a number. */
export function formatRate(fraction: number): string {
  if (!Number.isFinite(fraction) || fraction < 0) return '—';
  if (fraction === 0) return '0%';
  const pct = fraction * 100;
  if (pct < 0.05) return '< 0.1%';
  return `${pct.toFixed(1).replace(/\.0$/, '')}%`;
}

/** A count for a table cell: grouped thousands, in a fixed locale so that every viewer reads the same figure. */
export function formatCount(n: number): string {
  return Number.isFinite(n) ? n.toLocaleString('en-GB') : '—';
}

/** Where a consent record stands now. */
export type ConsentState = 'withdrawn' | 'expired' | 'in-force';

export function consentState(record: { expiresAt: string; withdrawnAt?: string | null }, now: Date): ConsentState {
  if (record.withdrawnAt) return 'withdrawn';
  const expires = Date.parse(record.expiresAt);
  return Number.isFinite(expires) && expires <= now.getTime() ? 'expired' : 'in-force';
}

/** The ledger over every notice version: grants, withdrawals, in force, and the withdrawal rate of all grants. */
export function ledgerTotals(versions: ReadonlyArray<{ grants: number; withdrawals: number; inForce: number }>): {
  grants: number;
  withdrawals: number;
  inForce: number;
  withdrawalRate: number;
} {
  let grants = 0;
  let withdrawals = 0;
  let inForce = 0;
  for (const v of versions) {
    grants += v.grants;
    withdrawals += v.withdrawals;
    inForce += v.inForce;
  }
  return { grants, withdrawals, inForce, withdrawalRate: grants === 0 ? 0 : withdrawals / grants };
}

/** The first characters of a digest, enough to tell versions apart at a glance. */
export function shortDigest(hex: string, length = 12): string {
  return hex.length > length ? `${hex.slice(0, length)}…` : hex;
}

/** The site a page URL names (`?site=`), else {@link DEFAULT_SITE}. */
export function siteFromSearch(search: string): string {
  return new URLSearchParams(search).get('site')?.trim() || DEFAULT_SITE;
}

/** Where the policy page leaves a draft for the replay page's preview (`replay.html?id=…&preview=1`). */
export const PREVIEW_DRAFT_KEY = 'witness.policy-preview-draft';

/** The draft left for a preview, if one is there and well-formed. */
export function readPreviewDraft(stored: string | null): PreviewDraft | undefined {
  if (!stored) return undefined;
  try {
    const d = JSON.parse(stored) as Partial<PreviewDraft>;
    return typeof d.siteId === 'string' && typeof d.document === 'string' && typeof d.contentType === 'string'
      ? { siteId: d.siteId, document: d.document, contentType: d.contentType }
      : undefined;
  } catch {
    return undefined;
  }
}

/** The index of the page (full snapshot) showing at `time` (epoch ms), given the snapshots' timestamps in order. */
export function pageAt(snapshotTimes: number[], time: number): number {
  let page = 0;
  for (let i = 0; i < snapshotTimes.length; i++) {
    if (snapshotTimes[i] <= time) page = i;
  }
  return page;
}

/** Preview matches grouped by page. */
export function matchesByPage(matches: PreviewMatch[]): Map<number, PreviewMatch[]> {
  const out = new Map<number, PreviewMatch[]>();
  for (const m of matches) {
    const list = out.get(m.page) ?? [];
    list.push(m);
    out.set(m.page, list);
  }
  return out;
}
