/**
 * Policy & consent (`policy.html?site=<siteId>`), for admins: edit a site's capture policy (validate, save as a new
 * version, browse and restore earlier versions) and read the site's consent ledger.
 *
 * State: `current` is the site's latest saved version; the textarea holds the person's draft, "dirty" when it
 * differs from `current.document`. Viewing an older version shows it read-only in the same textarea and keeps the
 * draft aside until "Back to my draft" (or "Load into editor" replaces the draft with that version). Every failed
 * call shows its problem in the page's alert region, except a 400 of Validate/Save, which is the list of the
 * document's problems under the editor.
 */
import '../styles/console.css';
import { mountHeader } from '../components/header';
import { attachCodeEditor } from '../components/code-editor';
import { createConsentLedger } from '../components/consent-ledger';
import { createPiiIncidents } from '../components/pii-incidents';
import { policyHelp } from '../components/policy-help';
import { ApiError } from '../lib/api';
import { h, icon } from '../lib/dom';
import { PREVIEW_DRAFT_KEY, policyContentType, shortDigest, siteFromSearch, violationView } from '../lib/policy';
import { api } from '../lib/session';
import { formatDateTime } from '../lib/time';
import type { PolicyVersion, PreviewDraft, Problem, SitePolicy } from '../lib/types';

void mountHeader({ current: 'policy' }).catch(() => undefined);

const main = document.getElementById('main')!;

// ---- alert region: one message per area of the page that failed --------------------------------------------------
const alerts = h('div', { class: 'page-alerts', role: 'alert' });
const failures = new Map<string, unknown>();

function problemOf(e: unknown): Pick<Problem, 'title' | 'detail'> {
  if (e instanceof ApiError) return { title: e.problem.title, detail: e.problem.detail };
  return { title: 'Something went wrong.', detail: e instanceof Error ? e.message : String(e) };
}

function reportError(area: string, e: unknown): void {
  if (e === undefined) failures.delete(area);
  else failures.set(area, e);
  alerts.replaceChildren(
    ...[...failures.values()].map((f) => {
      const p = problemOf(f);
      return h(
        'div',
        { class: 'alert alert-error alert-block' },
        icon('alert'),
        h('div', {}, h('p', { class: 'alert-title' }, p.title), p.detail && p.detail !== p.title ? h('p', {}, p.detail) : null),
      );
    }),
  );
}

// ---- site selector ------------------------------------------------------------------------------------------------
let siteId = siteFromSearch(window.location.search);
const siteSelect = h('select', { id: 'p-site' }, h('option', { value: siteId }, siteId));
const siteField = h('div', { class: 'field' }, h('label', { for: 'p-site' }, 'Site'), siteSelect);

async function loadSites(): Promise<void> {
  try {
    const sites = await api.sites();
    const options = sites.map((s) => h('option', { value: s.id }, s.name && s.name !== s.id ? `${s.name} (${s.id})` : s.id));
    if (!sites.some((s) => s.id === siteId)) options.unshift(h('option', { value: siteId }, siteId));
    siteSelect.replaceChildren(...options);
    siteSelect.value = siteId;
    reportError('sites', undefined);
  } catch (e) {
    reportError('sites', e);
  }
}

// ---- editor -------------------------------------------------------------------------------------------------------
const meta = h('p', { class: 'policy-meta', 'aria-live': 'polite' }, 'Loading the policy…');
const dirtyPill = h('span', { class: 'pill pill-warn', hidden: true }, 'Unsaved changes');
const viewing = h('div', { class: 'notice', role: 'status', hidden: true });
const area = h('textarea', {
  id: 'p-document',
  class: 'code-area',
  rows: 26,
  wrap: 'off',
  spellcheck: 'false',
  autocomplete: 'off',
  autocapitalize: 'off',
  'aria-describedby': 'p-document-hint p-results',
  disabled: true,
});
const hint = h('span', { id: 'p-document-hint', class: 'muted' }, 'Tab indents by two spaces; press Esc, then Tab, to leave the editor.');
const caret = h('span', { class: 'muted caret-pos' });
const format = h('span', { class: 'muted' });
const validateButton = h('button', { type: 'button', class: 'btn btn-secondary', disabled: true }, icon('check'), 'Validate');
const saveButton = h('button', { type: 'button', class: 'btn btn-primary', disabled: true }, icon('shield'), 'Save as new version');
const results = h('div', { id: 'p-results', class: 'policy-results', 'aria-live': 'polite' });
// ---- preview: the draft applied to a stored recording, replayed (nothing saved) ------------------------------------
const previewSelect = h('select', { id: 'p-preview-recording' }, h('option', { value: '' }, 'Loading recordings…')) as HTMLSelectElement;
const previewButton = h('button', { type: 'button', class: 'btn btn-secondary' }, icon('play'), 'Preview on this recording') as HTMLButtonElement;
const previewPanel = h(
  'div',
  { class: 'preview-panel' },
  h('label', { class: 'field-label', for: 'p-preview-recording' }, 'Preview the draft on a recording'),
  h('div', { class: 'preview-row' }, previewSelect, previewButton),
  h(
    'p',
    { class: 'muted' },
    'Opens the replay with the draft applied to the recording as stored (nothing is saved). What the recording’s own policy already masked stays masked.',
  ),
);

async function loadPreviewRecordings(site: string): Promise<void> {
  try {
    const page = await api.listRecordings({ site, limit: '20' });
    previewSelect.replaceChildren(
      ...(page.items.length
        ? page.items.map((r) => h('option', { value: r.id }, `${formatDateTime(r.startedAt)} · ${r.firstUrl || r.id}`))
        : [h('option', { value: '' }, 'No recordings on this site yet')]),
    );
  } catch (e) {
    previewSelect.replaceChildren(h('option', { value: '' }, 'Recordings could not be loaded'));
    reportError('preview', e);
  }
  previewButton.disabled = !previewSelect.value;
}

previewButton.addEventListener('click', () => {
  const id = previewSelect.value;
  if (!id) return;
  const text = viewed ? draft : area.value;
  const draftForPreview: PreviewDraft = { siteId, document: text, contentType: policyContentType(text) };
  localStorage.setItem(PREVIEW_DRAFT_KEY, JSON.stringify(draftForPreview));
  window.open(`replay.html?id=${encodeURIComponent(id)}&preview=1`, '_blank');
});
const normalisedNote = h('p', { class: 'muted' });
const normalisedText = h('pre', { class: 'code-block', tabindex: '0', 'aria-label': 'Effective policy' });
const normalised = h(
  'details',
  { class: 'normalised' },
  h('summary', {}, 'Effective policy (every default filled in)'),
  normalisedNote,
  normalisedText,
);

const editor = attachCodeEditor(area, {
  onCaret: (line, column) => (caret.textContent = `Line ${line}, column ${column}`),
  onTabReleased: (released) =>
    (hint.textContent = released ? 'Tab now moves to the next control.' : 'Tab indents by two spaces; press Esc, then Tab, to leave the editor.'),
});

const versionsBody = h('tbody');
const versionsStatus = h('div', { class: 'table-status' });

main.append(
  h(
    'div',
    { class: 'page-head' },
    h('div', {}, h('h1', { class: 'page-title' }, 'Policy & consent'), h('p', { class: 'table-summary' }, 'What is recorded on a site, and the consent behind it.')),
    siteField,
  ),
  alerts,
  h(
    'div',
    { class: 'policy-layout' },
    h(
      'section',
      { class: 'card policy-editor', 'aria-labelledby': 'policy-title' },
      h('div', { class: 'card-head' }, h('div', {}, h('h2', { id: 'policy-title', class: 'card-title' }, 'Capture policy'), meta), dirtyPill),
      viewing,
      h('label', { class: 'field-label', for: 'p-document' }, 'Policy document (YAML or JSON)'),
      area,
      h('div', { class: 'editor-status' }, hint, h('span', { class: 'header-spacer' }), caret, format),
      h('div', { class: 'editor-actions' }, validateButton, saveButton),
      results,
      previewPanel,
      normalised,
    ),
    h(
      'div',
      { class: 'policy-side' },
      h(
        'section',
        { class: 'card side-card', 'aria-labelledby': 'versions-title' },
        h('h2', { id: 'versions-title', class: 'card-title' }, 'Versions'),
        h('p', { class: 'muted' }, 'Every saved version is kept; recordings keep the version they were captured under.'),
        h(
          'div',
          { class: 'table-scroll versions-scroll' },
          h(
            'table',
            { class: 'data-table versions' },
            h('caption', { class: 'visually-hidden' }, 'Policy versions, newest first. Choose a version to view it.'),
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Version'), h('th', { scope: 'col' }, 'Saved'), h('th', { scope: 'col' }, 'By'))),
            versionsBody,
          ),
        ),
        versionsStatus,
      ),
      policyHelp(),
    ),
  ),
);

const ledger = createConsentLedger((e) => reportError('ledger', e));
main.append(ledger.element);
const piiIncidents = createPiiIncidents((e) => reportError('incidents', e));
main.append(piiIncidents.element);

let current: SitePolicy | undefined;
let viewed: SitePolicy | undefined;
let draft = '';
let busy = false;

const isDirty = (): boolean => current !== undefined && (viewed ? draft : area.value) !== current.document;

function refreshControls(): void {
  const ready = current !== undefined;
  dirtyPill.hidden = !isDirty();
  area.disabled = !ready;
  area.readOnly = viewed !== undefined;
  validateButton.disabled = !ready || busy || viewed !== undefined;
  saveButton.disabled = !ready || busy || viewed !== undefined || !isDirty();
  saveButton.title = ready && !isDirty() && !viewed ? 'No changes to save' : '';
  format.textContent = viewed ? '' : `Sent as ${policyContentType(area.value) === 'application/json' ? 'JSON' : 'YAML'}`;
  for (const row of versionsBody.querySelectorAll('tr')) {
    const v = Number(row.dataset.version);
    if (viewed?.version === v) row.setAttribute('aria-current', 'true');
    else row.removeAttribute('aria-current');
  }
}

function describe(p: PolicyVersion): string {
  return `Version ${p.version}, saved ${formatDateTime(p.createdAt)} by ${p.createdBy}`;
}

function showMeta(p: SitePolicy): void {
  meta.replaceChildren(
    `${describe(p)} · SHA-256 `,
    h('code', { title: p.sha256 }, shortDigest(p.sha256)),
  );
}

function showNormalised(text: string, note: string): void {
  normalisedNote.textContent = note;
  normalisedText.textContent = text;
}

function clearResults(): void {
  results.replaceChildren();
  area.removeAttribute('aria-invalid');
}

/** Puts a document in the editor as the person's draft (leaving any version view). */
function setDraft(text: string): void {
  viewed = undefined;
  viewing.hidden = true;
  area.value = text;
  clearResults();
  refreshControls();
}

// ---- loading ------------------------------------------------------------------------------------------------------
let loadSeq = 0;

async function loadPolicy(site: string): Promise<void> {
  const mine = ++loadSeq;
  current = undefined;
  viewed = undefined;
  viewing.hidden = true;
  area.value = '';
  clearResults();
  showNormalised('', '');
  versionsBody.replaceChildren();
  meta.textContent = 'Loading the policy…';
  refreshControls();
  try {
    const [policy] = await Promise.all([api.sitePolicy(site), loadVersions(site, mine)]);
    if (mine !== loadSeq) return;
    current = policy;
    showMeta(policy);
    showNormalised(policy.normalised, `Version ${policy.version} as it applies, with every default filled in.`);
    setDraft(policy.document);
    reportError('policy', undefined);
  } catch (e) {
    if (mine !== loadSeq) return;
    meta.textContent = 'The policy could not be loaded.';
    reportError('policy', e);
  }
}

async function loadVersions(site: string, mine = loadSeq): Promise<void> {
  versionsStatus.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  try {
    const versions = await api.policyVersions(site);
    if (mine !== loadSeq) return;
    versionsBody.replaceChildren(...versions.map((v, i) => versionRow(v, i === 0)));
    versionsStatus.replaceChildren(versions.length ? '' : h('p', { class: 'muted' }, 'No version saved yet.'));
    reportError('versions', undefined);
    refreshControls();
  } catch (e) {
    if (mine !== loadSeq) return;
    versionsStatus.replaceChildren(h('p', { class: 'muted' }, 'The versions could not be loaded.'));
    reportError('versions', e);
  }
}

function versionRow(v: PolicyVersion, latest: boolean): HTMLElement {
  const button = h(
    'button',
    { type: 'button', class: 'link-button', 'aria-label': `View version ${v.version}${latest ? ' (current)' : ''}` },
    `v${v.version}`,
  );
  button.addEventListener('click', () => void viewVersion(v.version));
  return h(
    'tr',
    { dataset: { version: String(v.version) } },
    h('td', {}, button, latest ? h('span', { class: 'badge badge-ok badge-inline' }, 'current') : null),
    h('td', { title: `SHA-256 ${v.sha256}` }, formatDateTime(v.createdAt)),
    h('td', {}, v.createdBy),
  );
}

async function viewVersion(version: number): Promise<void> {
  try {
    const p = await api.policyVersion(siteId, version);
    reportError('version', undefined);
    if (!viewed) draft = area.value;
    viewed = p;
    area.value = p.document;
    area.scrollTop = 0;
    showNormalised(p.normalised, `Version ${p.version} as it applied, with every default filled in.`);
    const load = h('button', { type: 'button', class: 'btn btn-secondary btn-sm' }, 'Load into editor');
    const back = h('button', { type: 'button', class: 'btn btn-ghost btn-sm' }, 'Back to my draft');
    load.addEventListener('click', () => {
      setDraft(p.document);
      showNormalised(p.normalised, `This draft (version ${p.version} as it applied), with every default filled in.`);
      results.replaceChildren(
        h('p', { class: 'result-note' }, `Version ${p.version} is in the editor. Save it as a new version to make it the site’s policy again.`),
      );
      area.focus();
    });
    back.addEventListener('click', () => {
      setDraft(draft);
      if (current) showNormalised(current.normalised, `Version ${current.version} as it applies, with every default filled in.`);
      area.focus();
    });
    viewing.replaceChildren(
      h('p', {}, h('strong', {}, `Viewing version ${p.version} (read-only)`), ` — saved ${formatDateTime(p.createdAt)} by ${p.createdBy}.`),
      h('div', { class: 'notice-actions' }, load, back),
    );
    viewing.hidden = false;
    clearResults();
    refreshControls();
    load.focus();
  } catch (e) {
    reportError('version', e);
  }
}

// ---- validate and save ----------------------------------------------------------------------------------------------
/** The server's titles are lower-case phrases ("the policy has 2 problems"); shown alone, they read as sentences. */
function sentence(text: string): string {
  return text ? text[0]!.toUpperCase() + text.slice(1) : text;
}

function showProblems(problem: Problem): void {
  const violations = (problem.violations ?? []).map(violationView);
  area.setAttribute('aria-invalid', 'true');
  const list = h(
    'ol',
    { class: 'problem-list' },
    ...violations.map((v) => {
      const where = v.location ? `Line ${v.location.line}, column ${v.location.column}` : 'Document';
      const content = [h('span', { class: 'problem-where' }, where), v.field ? h('code', {}, v.field) : null, h('span', {}, v.text)];
      if (!v.location) return h('li', {}, h('div', { class: 'problem' }, ...content));
      const go = h('button', { type: 'button', class: 'problem', title: 'Put the cursor there' }, ...content);
      const { line, column } = v.location;
      go.addEventListener('click', () => editor.moveCaret(line, column));
      return h('li', {}, go);
    }),
  );
  results.replaceChildren(
    h(
      'div',
      { class: 'result result-error' },
      icon('alert'),
      h('div', {}, h('p', { class: 'result-title' }, sentence(problem.title)), problem.detail ? h('p', {}, sentence(problem.detail)) : null),
    ),
    violations.length ? list : '',
  );
}

async function submit(kind: 'validate' | 'save'): Promise<void> {
  if (!current || viewed || busy) return;
  const text = area.value;
  const type = policyContentType(text);
  busy = true;
  refreshControls();
  results.replaceChildren(h('p', { class: 'muted' }, kind === 'save' ? 'Saving…' : 'Validating…'));
  try {
    if (kind === 'validate') {
      const r = await api.validatePolicy(text, type);
      showNormalised(r.normalised, 'This draft as it would apply, with every default filled in.');
      results.replaceChildren(h('div', { class: 'result result-ok' }, icon('check'), h('p', { class: 'result-title' }, 'The policy is valid.')));
    } else {
      const saved = await api.savePolicy(siteId, text, type);
      current = saved;
      showMeta(saved);
      showNormalised(saved.normalised, `Version ${saved.version} as it applies, with every default filled in.`);
      setDraft(saved.document);
      results.replaceChildren(
        h('div', { class: 'result result-ok' }, icon('check'), h('p', { class: 'result-title' }, `Saved as version ${saved.version}. It is now the site’s policy.`)),
      );
      void loadVersions(siteId);
    }
    area.removeAttribute('aria-invalid');
    reportError('submit', undefined);
  } catch (e) {
    if (e instanceof ApiError && e.status === 400) {
      showProblems(e.problem);
      reportError('submit', undefined);
    } else {
      results.replaceChildren();
      reportError('submit', e);
    }
  } finally {
    busy = false;
    refreshControls();
  }
}

validateButton.addEventListener('click', () => void submit('validate'));
saveButton.addEventListener('click', () => void submit('save'));
area.addEventListener('input', refreshControls);
area.addEventListener('keydown', (e) => {
  // Ctrl/Cmd+Enter validates, the usual "run" key of code editors.
  if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
    e.preventDefault();
    void submit('validate');
  }
});

window.addEventListener('beforeunload', (e) => {
  if (isDirty()) e.preventDefault();
});

// ---- site changes -------------------------------------------------------------------------------------------------
function openSite(site: string): void {
  siteId = site;
  reportError('version', undefined);
  reportError('submit', undefined);
  siteSelect.value = site;
  void loadPolicy(site);
  void ledger.load(site);
  void piiIncidents.load(site);
  void loadPreviewRecordings(site);
}

siteSelect.addEventListener('change', () => {
  const next = siteSelect.value;
  if (isDirty() && !window.confirm(`Discard your unsaved changes to the policy of ${siteId}?`)) {
    siteSelect.value = siteId;
    return;
  }
  window.history.pushState(null, '', `${window.location.pathname}?${new URLSearchParams({ site: next })}`);
  openSite(next);
});

window.addEventListener('popstate', () => {
  const next = siteFromSearch(window.location.search);
  if (next === siteId) return;
  if (isDirty() && !window.confirm(`Discard your unsaved changes to the policy of ${siteId}?`)) {
    window.history.pushState(null, '', `${window.location.pathname}?${new URLSearchParams({ site: siteId })}`);
    return;
  }
  openSite(next);
});

void loadSites();
openSite(siteId);
