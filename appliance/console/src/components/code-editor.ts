/**
 * A plain `<textarea>` made comfortable for YAML: Tab indents by two spaces (Shift+Tab outdents) without trapping
 * keyboard users (WCAG 2.1.2: Escape, then Tab, leaves the editor as usual), the caret can be sent to a line and
 * column, and the caret's place is reported as the person moves. Edits go through the browser's own editing
 * command where it has one, so that Undo still works.
 */
import { caretOffset, indent, lineColumnAt, outdent, type Edit } from '../lib/policy';

export interface CodeEditorOptions {
  /** Called with the caret's 1-based line and column whenever it may have moved. */
  onCaret?: (line: number, column: number) => void;
  /** Called when Escape has released Tab (true) or Tab is captured again (false). */
  onTabReleased?: (released: boolean) => void;
}

export interface CodeEditor {
  /** Focuses the editor with the caret at a 1-based line and column, scrolled into view. */
  moveCaret(line: number, column: number): void;
}

/** Replaces the changed part of the value as one undoable edit, then selects as the edit says. */
function applyEdit(area: HTMLTextAreaElement, edit: Edit): void {
  const before = area.value;
  const after = edit.value;
  if (before === after) {
    area.setSelectionRange(edit.start, edit.end);
    return;
  }
  let head = 0;
  while (head < before.length && head < after.length && before[head] === after[head]) head++;
  let tail = 0;
  while (
    tail < before.length - head &&
    tail < after.length - head &&
    before[before.length - 1 - tail] === after[after.length - 1 - tail]
  ) tail++;
  area.setSelectionRange(head, before.length - tail);
  const inserted = after.slice(head, after.length - tail);
  // execCommand is deprecated but still the only way to keep the browser's undo history for a textarea edit.
  const done = inserted ? document.execCommand('insertText', false, inserted) : document.execCommand('delete');
  if (!done || area.value !== after) {
    area.value = after;
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }
  area.setSelectionRange(edit.start, edit.end);
}

export function attachCodeEditor(area: HTMLTextAreaElement, options: CodeEditorOptions = {}): CodeEditor {
  let tabReleased = false;
  const release = (value: boolean): void => {
    if (tabReleased === value) return;
    tabReleased = value;
    options.onTabReleased?.(value);
  };
  const reportCaret = (): void => {
    const { line, column } = lineColumnAt(area.value, area.selectionEnd);
    options.onCaret?.(line, column);
  };

  area.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      release(true);
      return;
    }
    if (e.key !== 'Tab' || e.ctrlKey || e.altKey || e.metaKey) {
      if (!['Shift', 'Tab'].includes(e.key)) release(false);
      return;
    }
    if (tabReleased || area.readOnly) return; // let Tab move the focus
    e.preventDefault();
    const edit = (e.shiftKey ? outdent : indent)(area.value, area.selectionStart, area.selectionEnd);
    applyEdit(area, edit);
    reportCaret();
  });
  area.addEventListener('blur', () => release(false));
  for (const type of ['keyup', 'click', 'input', 'focus', 'select']) area.addEventListener(type, reportCaret);

  return {
    moveCaret(line: number, column: number): void {
      const at = caretOffset(area.value, line, column);
      area.focus({ preventScroll: true });
      area.setSelectionRange(at, at);
      // Lines never wrap (wrap="off"), so a line's top is its index times the line height.
      const style = getComputedStyle(area);
      const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5 || 18;
      area.scrollTop = Math.max(0, (line - 1) * lineHeight - area.clientHeight / 3);
      area.scrollIntoView({ block: 'nearest' });
      reportCaret();
    },
  };
}
