/**
 * Replay page (`replay.html?id=<recordingId>&t=<seconds>[&scale=1][&chrome=0]`): loads the recording's metadata and
 * events, then plays them with rrweb. Opening with `t` starts paused at that second.
 *
 * The events stream in: the first frame is shown as soon as they include a full snapshot and reach the start time,
 * and the rest is handed to the player as it arrives (see {@link Player}); the controls and the side panel are built
 * after the first frame.
 *
 * For automated tests the page exposes `window.__witnessReplay` (see {@link WitnessReplayHandle}) and sets
 * `document.body.dataset.replayReady = "true"` once the first frame is on screen and the recording's metadata is
 * loaded (`replayError` on failure).
 */
import '../styles/console.css';
import '../styles/replay.css';
import { inactivePeriods } from '../lib/activity';
import { ApiError } from '../lib/api';
import { h, icon } from '../lib/dom';
import { FIRST_PAGE_EVENTS } from '../lib/prefetch';
import { PREVIEW_DRAFT_KEY, matchesByPage, pageAt, readPreviewDraft } from '../lib/policy';
import { parseReplayParams, replayLink } from '../lib/query';
import { api, BASE, LIST } from '../lib/session';
import { formatBytes, formatClock, formatDateTime, formatDuration } from '../lib/time';
import { markerItems } from '../lib/timeline';
import { WatchedIntervals } from '../lib/watched';
import type { PolicyPreview, RecordingDetail } from '../lib/types';
import { mountHeader } from '../components/header';
import { Player, afterNextPaint } from '../components/player';
import { SidePanel } from '../components/side-panel';
import { networkRequests } from '../lib/network';
import { LANES, Timeline } from '../components/timeline';

export interface WitnessReplayHandle {
  /** True once the first frame is rendered and the recording's metadata is loaded. */
  ready: boolean;
  /** `performance.now()` when the first frame was rendered; -1 before ready. */
  firstFrameAt: number;
  /** Duration of the recording in ms; -1 before ready. */
  durationMs: number;
  /** True once all the events are loaded (the page makes no more requests for them). */
  complete: boolean;
  /** Error message when the recording could not be loaded or played; null otherwise. */
  error: string | null;
  /**
   * Shows the frame at `ms` from the first event (waits for ready and for the events up to `ms`; keeps the play
   * state); resolves once painted, rejects if the recording could not be loaded.
   */
  seek(ms: number): Promise<void>;
  /** Current position in ms from the first event (0 before ready). */
  currentTime(): number;
}

declare global {
  interface Window {
    __witnessReplay: WitnessReplayHandle;
  }
}

const params = parseReplayParams(window.location.search);
const SPEEDS = [1, 2, 4, 8];
const PREFS_KEY = 'witness.replay.prefs';

let resolveReady: (p: Player) => void;
let rejectReady: (e: Error) => void;
const playerReady = new Promise<Player>((resolve, reject) => {
  resolveReady = resolve;
  rejectReady = reject;
});
playerReady.catch(() => undefined); // a failure is shown on the page; seek() callers see it as a rejection
let player: Player | undefined;

window.__witnessReplay = {
  ready: false,
  firstFrameAt: -1,
  durationMs: -1,
  complete: false,
  error: null,
  seek: async (ms: number) => (await playerReady).seek(ms),
  currentTime: () => player?.currentTime() ?? 0,
};

if (!params.chrome) document.body.classList.add('chrome-off');
if (params.noScale) document.body.classList.add('scale-1');

const main = document.getElementById('main')!;
const stage = h('div', { class: 'stage', id: 'player', tabindex: '-1', 'aria-label': 'Replay' });
const stageStatus = h('div', { class: 'stage-status', role: 'status' });
stage.appendChild(stageStatus);


interface Prefs {
  speed: number;
  skipInactive: boolean;
}

function loadPrefs(): Prefs {
  try {
    const p = JSON.parse(localStorage.getItem(PREFS_KEY) ?? '{}') as Partial<Prefs>;
    return { speed: SPEEDS.includes(p.speed ?? 1) ? (p.speed ?? 1) : 1, skipInactive: p.skipInactive ?? true };
  } catch {
    return { speed: 1, skipInactive: true };
  }
}

function savePrefs(p: Prefs): void {
  try {
    localStorage.setItem(PREFS_KEY, JSON.stringify(p));
  } catch {
    // Storage may be disabled by policy; preferences then last for the page only.
  }
}

const loadingText = h('p', {});

function showLoading(text: string): void {
  loadingText.textContent = text;
  if (loadingText.parentNode !== stageStatus) stageStatus.replaceChildren(h('div', { class: 'spinner', 'aria-hidden': 'true' }), loadingText);
  stageStatus.hidden = false;
}

// Room for the controls and the side panel, built after the first frame, so that the stage keeps its size.
const controlsSlot = h('div', { class: 'controls controls-pending' });
const panelSlot = h('aside', { class: 'side-panel' });

let headerShown = false;

/** The console header (it asks who is signed in): after the first frame, or at once on a failure. */
function showHeader(): void {
  if (headerShown || !params.chrome) return;
  headerShown = true;
  void mountHeader({ current: 'replay' }).catch(() => undefined);
}

function fail(message: string, title = 'This recording cannot be replayed'): void {
  showHeader();
  controlsSlot.remove(); // no-ops once the real controls and panel have taken their places
  panelSlot.remove();
  window.__witnessReplay.error = message;
  document.body.dataset.replayError = message;
  rejectReady(new Error(message));
  stageStatus.replaceChildren(
    h(
      'div',
      { class: 'state state-error state-card', role: 'alert' },
      icon('alert'),
      h('div', {}, h('p', { class: 'state-title' }, title), h('p', { class: 'state-text' }, message), h('a', { class: 'btn btn-secondary btn-sm', href: LIST }, 'Back to recordings')),
    ),
  );
  stageStatus.hidden = false;
}

function hostPath(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.host}${u.pathname}${u.search}`;
  } catch {
    return raw;
  }
}

function renderHead(detail: RecordingDetail | undefined): HTMLElement {
  const title = detail ? hostPath(detail.firstUrl) || 'Recording' : 'Recording';
  if (detail) document.title = `${title} · Replay · Witness`;
  const facts: [string, Node | string][] = detail
    ? [
        ['Started', formatDateTime(detail.startedAt)],
        ['Duration', formatDuration(detail.durationMs)],
        ['Active', formatDuration(detail.activeMs)],
        ['Viewport', `${detail.viewportWidth} × ${detail.viewportHeight}`],
        ['Source', h('span', { class: `pill pill-${detail.source}` }, detail.source === 'live' ? 'Live' : 'Import')],
        ['ID', h('span', { class: 'mono', title: detail.id }, detail.id)],
        ['Integrity', integrityBadge(detail.id)],
        ['Audit', h('a', { href: `${BASE}audit.html?resource=${encodeURIComponent(`recording:${detail.id}`)}` }, 'Who accessed it')],
      ]
    : [];
  return h(
    'div',
    { class: 'replay-head' },
    h('a', { class: 'back-link', href: LIST }, icon('back'), 'Recordings'),
    h('div', { class: 'replay-title-row' }, h('h1', { class: 'replay-title', title: detail?.firstUrl ?? '' }, title)),
    h('dl', { class: 'facts' }, ...facts.map(([k, v]) => h('div', { class: 'fact' }, h('dt', {}, k), h('dd', {}, v)))),
  );
}

/** "Verified" once the recording's chunks match the capture manifest the audit log recorded when it was complete. */
function integrityBadge(id: string): HTMLElement {
  const badge = h('span', { class: 'badge integrity', 'data-integrity': 'checking' }, 'Checking…');
  api.recordingIntegrity(id).then(
    (r) => {
      badge.dataset.integrity = r.status;
      if (r.status === 'verified') {
        badge.className = 'badge badge-ok integrity';
        badge.replaceChildren(icon('check'), ' Verified');
        badge.title = `The stored chunks match the capture manifest in audit entry #${r.auditSeq}${r.signed ? ', under a signed checkpoint' : ''}.`;
      } else if (r.status === 'altered') {
        badge.className = 'badge badge-error integrity';
        badge.textContent = 'Altered since capture';
        badge.title = `The stored chunks do not match the capture manifest in audit entry #${r.auditSeq}.`;
      } else {
        badge.className = 'pill integrity';
        badge.textContent = 'Not sealed yet';
        badge.title = 'A live recording gets its capture manifest when it is complete.';
      }
    },
    () => {
      badge.dataset.integrity = 'unknown';
      badge.textContent = 'Unknown';
    },
  );
  return badge;
}

function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) return navigator.clipboard.writeText(text);
  // Plain-HTTP fallback (e.g. a lab appliance without TLS): the legacy copy command on a temporary field.
  const area = h('textarea', { class: 'visually-hidden', readonly: true }, text);
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  return ok ? Promise.resolve() : Promise.reject(new Error('copy refused'));
}

function toast(text: string): void {
  const el = h('div', { class: 'toast', role: 'status' }, icon('check'), text);
  document.body.appendChild(el);
  setTimeout(() => el.classList.add('toast-out'), 2200);
  setTimeout(() => el.remove(), 2600);
}

interface Controls {
  controls: HTMLElement;
  panel: HTMLElement;
  /** The events are loaded up to `ms`. */
  loaded(ms: number): void;
  /** All events are loaded. */
  complete(events: unknown[]): void;
}

/** The controls below the stage and the side panel, wired to the player. */
function buildControls(p: Player, detail: RecordingDetail, prefs: Prefs): Controls {
  const seek = (ms: number) => void p.seek(ms).catch(() => undefined); // a failed load is shown on the page
  const timeline = new Timeline({ durationMs: detail.durationMs, items: markerItems(detail), onSeek: seek });
  const panel = new SidePanel(detail.errors, detail.pages, detail.clicks, seek);

  const playButton = h('button', { type: 'button', class: 'btn btn-icon btn-play', 'aria-keyshortcuts': 'Space' });
  const renderPlay = () => {
    playButton.replaceChildren(icon(p.playing ? 'pause' : 'play'));
    playButton.setAttribute('aria-label', p.playing ? 'Pause' : 'Play');
    playButton.title = `${p.playing ? 'Pause' : 'Play'} (Space)`;
  };
  playButton.addEventListener('click', () => p.toggle());

  const clockNow = h('span', { class: 'clock-now' }, '0:00');
  const clockTotal = h('span', { class: 'clock-total' }, formatClock(detail.durationMs));
  const clock = h('span', { class: 'clock' }, clockNow, h('span', { class: 'clock-sep' }, ' / '), clockTotal);

  const speedButtons = SPEEDS.map((s) =>
    h('button', { type: 'button', class: 'seg', 'aria-pressed': String(s === prefs.speed), title: `Playback speed ${s}×` }, `${s}×`),
  );
  speedButtons.forEach((b, i) =>
    b.addEventListener('click', () => {
      prefs.speed = SPEEDS[i]!;
      p.setSpeed(prefs.speed);
      speedButtons.forEach((o, j) => o.setAttribute('aria-pressed', String(i === j)));
      savePrefs(prefs);
    }),
  );

  const skipInput = h('input', { type: 'checkbox', role: 'switch', id: 'skip-inactive', checked: prefs.skipInactive });
  skipInput.addEventListener('change', () => {
    prefs.skipInactive = skipInput.checked;
    p.setSkipInactive(prefs.skipInactive);
    savePrefs(prefs);
  });
  const skipBadge = h('span', { class: 'skip-badge', hidden: true, role: 'status' }, icon('skip'), 'Skipping inactivity');

  const copyButton = h('button', { type: 'button', class: 'btn btn-secondary btn-sm' }, icon('link'), 'Copy link to this moment');
  copyButton.addEventListener('click', async () => {
    const ms = p.currentTime();
    const link = replayLink(window.location.href, detail.id, ms);
    try {
      await copyText(link);
      toast(`Link to ${formatClock(ms)} copied`);
    } catch {
      window.prompt('Copy this link:', link);
    }
  });

  const legend = h(
    'ul',
    { class: 'legend', 'aria-label': 'Timeline legend' },
    ...LANES.map((l) => h('li', {}, h('span', { class: `legend-key marker-${l.kind}`, 'aria-hidden': 'true' }, h('span', { class: 'marker-shape' })), l.label)),
    h('li', {}, h('span', { class: 'legend-key legend-idle', 'aria-hidden': 'true' }), 'Inactive'),
  );

  const controls = h(
    'div',
    { class: 'controls' },
    timeline.el,
    h(
      'div',
      { class: 'control-row' },
      playButton,
      clock,
      h('div', { class: 'segmented', role: 'group', 'aria-label': 'Playback speed' }, ...speedButtons),
      h('label', { class: 'switch', for: 'skip-inactive' }, skipInput, h('span', { class: 'switch-track', 'aria-hidden': 'true' }), 'Skip inactivity'),
      skipBadge,
      h('div', { class: 'spacer' }),
      legend,
      copyButton,
    ),
  );

  const update = () => {
    const ms = p.currentTime();
    clockNow.textContent = formatClock(ms);
    timeline.setTime(ms);
    panel.setTime(ms);
  };
  p.on('time', update);
  p.on('state', renderPlay);
  p.on('skip', () => (skipBadge.hidden = !p.skippingInactivity));
  renderPlay();
  update();

  document.addEventListener('keydown', (e) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey) return;
    const target = e.target as HTMLElement;
    if (target.closest('input, textarea, select, [contenteditable="true"], [role="tab"]')) return;
    if (e.key === ' ' || e.key === 'k') {
      e.preventDefault();
      p.toggle();
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      if (target.closest('[role="slider"]')) return;
      e.preventDefault();
      seek(p.currentTime() + (e.key === 'ArrowLeft' ? -5000 : 5000));
    }
  });

  return {
    controls,
    panel: panel.el,
    loaded: (ms) => timeline.setLoaded(ms),
    complete: (events) => {
      timeline.setDuration(p.durationMs);
      timeline.setLoaded(p.durationMs);
      timeline.setInactive(inactivePeriods(events, 10_000));
      panel.setNetwork(networkRequests(events));
      clockTotal.textContent = formatClock(p.durationMs);
    },
  };
}

/** Calls `fn` once in the next animation frame, however often it is scheduled until then. */
function oncePerFrame(fn: () => void): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      fn();
    });
  };
}

/** Lets the browser render and handle input between two batches of events. */
function yieldToBrowser(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  return scheduler?.yield ? scheduler.yield() : new Promise((resolve) => setTimeout(resolve, 0));
}

const FULL_SNAPSHOT = 2;

function loadFailure(e: unknown): void {
  if (e instanceof ApiError && e.status === 404) fail('No recording with this id exists, or it has been deleted under the retention policy.', 'Recording not found');
  else fail(e instanceof ApiError ? e.message : 'The recording could not be loaded.');
}

async function start(): Promise<void> {
  // The stage is placed once and never moved: moving rrweb's iframe would reload it, and rrweb only rebuilds into
  // the sandboxed document it created.
  const head = renderHead(undefined);
  const column = h('section', { class: 'player-column', 'aria-label': 'Player' }, stage);
  const body = h('div', { class: 'replay-body' }, column);
  main.replaceChildren(head, body);
  if (!params.id) {
    fail('The link has no recording id (expected replay.html?id=…).', 'No recording selected');
    return;
  }
  column.appendChild(controlsSlot);
  body.appendChild(panelSlot);

  let loadedBytes = 0;
  const showProgress = oncePerFrame(() => {
    if (!player) showLoading(`Loading recording… ${formatBytes(loadedBytes)}`);
  });
  showLoading('Loading recording…');
  // The events come in pages: small ones until the first frame is painted (so that it does not wait for, nor
  // compete with, a long recording's download), then one request for all the rest.
  const events: unknown[] = [];
  const recordingId = params.id;
  let complete = false;
  let firstFrameShown = false;
  let limit: number | undefined = FIRST_PAGE_EVENTS;
  let received = 0;
  let bytesBefore = 0;
  const page = (offset: number) => {
    bytesBefore = loadedBytes;
    received = 0;
    return api.recordingEvents(recordingId, (bytes) => {
      loadedBytes = bytesBefore + bytes;
      showProgress();
    }, undefined, { offset, limit });
  };
  // A preview gets all its events in one answer (below): no stream of the stored events.
  let stream: AsyncGenerator<unknown[]> | undefined = params.preview ? undefined : page(0);
  /** Reads the next batch of events into `events`; undefined at the end. */
  const more = async (): Promise<unknown[] | undefined> => {
    for (;;) {
      if (!stream) {
        complete = true;
        return undefined;
      }
      const next = await stream.next();
      if (!next.done) {
        received += next.value.length;
        for (const e of next.value) events.push(e);
        return next.value;
      }
      if (limit === undefined || received < limit) {
        complete = true;
        return undefined;
      }
      limit = firstFrameShown ? undefined : limit * 8;
      stream = page(events.length);
    }
  };

  // 1. The first frame: as soon as the events include a full snapshot and reach the start time.
  const startMs = params.startMs;
  let snapshot = false;
  let preview: PolicyPreview | undefined;
  try {
    if (params.preview) {
      // A draft policy applied by the appliance to the stored events: one answer, all the events.
      const draft = readPreviewDraft(localStorage.getItem(PREVIEW_DRAFT_KEY));
      if (!draft) {
        fail('Open a preview from the Policy & consent page: it hands the draft policy to this page.', 'No draft to preview');
        return;
      }
      preview = await api.previewPolicy(recordingId, draft.document, draft.contentType);
      for (const e of preview.events) events.push(e);
      complete = true;
    }
    while (!complete) {
      const batch = (await more()) ?? [];
      snapshot ||= batch.some((e) => (e as { type?: unknown })?.type === FULL_SNAPSHOT);
      if (snapshot && events.length >= 2 && offset(events, events.length - 1) >= startMs) break;
    }
  } catch (e) {
    loadFailure(e);
    return;
  }
  if (events.length === 0) {
    fail('This recording contains no events.');
    return;
  }
  const prefs = loadPrefs();
  let p: Player;
  try {
    p = new Player(stage, events, { noScale: params.noScale, hideCursor: !params.chrome, skipInactive: prefs.skipInactive, speed: prefs.speed });
  } catch (e) {
    fail(e instanceof Error ? e.message : String(e));
    return;
  }
  player = p;
  reportWatching(p, recordingId);
  if (preview) outlineMatches(p, preview, events);
  if (complete) p.finish();
  await p.firstFrame(startMs);
  stageStatus.hidden = true;
  await afterNextPaint();
  const firstFrameAt = performance.now();
  p.firstFrameShown();
  firstFrameShown = true;

  // 2. The rest of the events, handed to the player as they arrive.
  let showLoaded: () => void = () => undefined;
  const rest = (async (): Promise<boolean> => {
    try {
      for (let batch = await more(); batch; batch = await more()) {
        p.append(batch);
        showLoaded();
        await yieldToBrowser();
      }
    } catch (e) {
      p.loadFailed(e instanceof Error ? e : new Error(String(e)));
      loadFailure(e);
      return false;
    }
    p.finish();
    return true;
  })();

  // 3. The page around the frame: the header's session and the recording's metadata are asked for only now, because
  // on a small appliance every request beside the first page of events slows it down.
  showHeader();
  let detail: RecordingDetail;
  try {
    detail = await api.recording(recordingId);
  } catch (e) {
    loadFailure(e);
    return;
  }
  const handle = window.__witnessReplay;
  if (handle.error) return;
  handle.durationMs = complete ? p.durationMs : detail.durationMs;
  handle.firstFrameAt = firstFrameAt;
  handle.ready = true;
  document.body.dataset.replayReady = 'true';
  resolveReady(p);
  const ui = buildControls(p, detail, prefs);
  const newHead = renderHead(detail);
  if (preview) newHead.append(previewNotice(preview));
  head.replaceWith(newHead);
  controlsSlot.replaceWith(ui.controls);
  panelSlot.replaceWith(ui.panel);
  showLoaded = oncePerFrame(() => ui.loaded(p.loadedUntilMs));
  showLoaded();
  if (await rest) {
    ui.complete(events);
    handle.durationMs = p.durationMs;
    handle.complete = true;
  }
}

/**
 * The audit log learns which parts of the recording were played: sent when the viewer leaves the page or hides it
 * (the request outlives the page), and again for what is played after coming back.
 */
function reportWatching(p: Player, recordingId: string): void {
  const watched = new WatchedIntervals();
  p.on('time', () => {
    if (p.playing) watched.played(p.currentTime());
  });
  p.on('state', () => {
    if (!p.playing) watched.stopped();
  });
  const report = (): void => {
    const intervals = watched.take();
    if (intervals.length > 0) void api.recordWatched(recordingId, intervals).catch(() => undefined);
  };
  addEventListener('pagehide', report);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') report();
  });
}

/**
 * Outlines, in the replayed page, the elements the draft's rules match themselves, with the rules as their title
 * (hover). rrweb rebuilds the page on a seek and on each new page, so the outlines are put back as the time moves.
 */
function outlineMatches(p: Player, preview: PolicyPreview, events: unknown[]): void {
  const ts = (e: unknown) => (e as { timestamp?: number })?.timestamp ?? 0;
  const snapshots = events.filter((e) => (e as { type?: unknown })?.type === FULL_SNAPSHOT).map(ts);
  const first = events.length ? ts(events[0]) : 0;
  const byPage = matchesByPage(preview.matches);
  const run = (): void => {
    for (const m of byPage.get(pageAt(snapshots, first + p.currentTime())) ?? []) {
      const node = p.nodeById(m.nodeId);
      // The replayed page is another document: test the node type, not instanceof.
      const el = (node?.nodeType === 1 ? node : node?.parentElement) as HTMLElement | null | undefined;
      if (!el || el.hasAttribute('data-witness-rule')) continue;
      el.setAttribute('data-witness-rule', m.rules.join(', '));
      el.setAttribute('title', `Policy: ${m.rules.join(', ')}`);
      el.style.outline = '2px dashed #d97706';
      el.style.outlineOffset = '-2px';
    }
  };
  // At most one pass per 100 ms while playing, and always one after the last change (a seek while paused).
  let pending = 0;
  const schedule = (): void => {
    if (pending) return;
    pending = window.setTimeout(() => {
      pending = 0;
      run();
    }, 100);
  };
  p.on('time', schedule);
  p.on('state', schedule);
  schedule();
}

/** What the draft policy changed, above the player of a preview. */
function previewNotice(p: PolicyPreview): HTMLElement {
  const redacted = Object.entries(p.summary.redacted)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ');
  return h(
    'div',
    { class: 'notice preview-notice', role: 'status' },
    h('strong', {}, 'Preview of a draft policy. '),
    `Of ${p.summary.events} events, ${p.summary.dropped} dropped; ${p.summary.masked} values or texts masked; `,
    redacted ? `redacted: ${redacted}. ` : 'nothing redacted. ',
    'Nothing was saved, and what the recording’s own policy masked stays masked. ',
    p.matches.length ? `Dashed outlines mark the ${p.matches.length} elements its rules match (hover for the rule).` : '',
  );
}

/** Milliseconds from the first event to event `i` (events are in timestamp order). */
function offset(events: unknown[], i: number): number {
  const t = (e: unknown) => (e as { timestamp?: number })?.timestamp ?? 0;
  return t(events[i]) - t(events[0]);
}

void start();
