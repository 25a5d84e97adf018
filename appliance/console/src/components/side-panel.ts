/**
 * The replay side panel: tabs "Errors" (console errors), "Pages", "Clicks" and "Network" (WAI-ARIA tabs: arrow keys move between
 * tabs). Each entry shows its time and seeks there when chosen; the page being shown is marked as current. The network
 * requests come from the events themselves, so their tab is filled once all events are loaded ({@link setNetwork}).
 */
import { h } from '../lib/dom';
import { formatClock } from '../lib/time';
import { currentIndex } from '../lib/timeline';
import type { NetworkRequest } from '../lib/network';
import type { Click, ConsoleError, PageVisit } from '../lib/types';

export class SidePanel {
  readonly el: HTMLElement;
  private readonly pageItems: HTMLElement[] = [];
  private readonly errorItems: HTMLElement[] = [];
  private currentPage = -2;
  private passedErrors = -2;
  private readonly networkPanel: HTMLElement;
  private readonly networkCount: HTMLElement;

  constructor(
    private readonly errors: ConsoleError[],
    private readonly pages: PageVisit[],
    clicks: Click[],
    onSeek: (ms: number) => void,
  ) {
    const errorList = errors.length
      ? h('ol', { class: 'event-list' }, ...errors.map((e) => this.entry(e.t, 'error', h('span', { class: 'event-message mono' }, e.message), onSeek, this.errorItems)))
      : empty('No console errors were recorded in this session.');
    const pageList = pages.length
      ? h('ol', { class: 'event-list' }, ...pages.map((p) => this.entry(p.t, 'page', url(p.url), onSeek, this.pageItems)))
      : empty('No page loads were recorded.');
    const clickList = clicks.length
      ? h(
          'ol',
          { class: 'event-list' },
          ...clicks.map((c) =>
            this.entry(c.t, 'click', h('span', { class: 'event-click' }, h('span', { class: 'mono', title: c.selector }, c.selector || 'element'), h('span', { class: 'muted' }, `at ${c.x}, ${c.y}`)), onSeek, []),
          ),
        )
      : empty('No clicks were recorded.');

    const tabs: Array<{ id: string; label: string; count: number | string; panel: HTMLElement; tone: string }> = [
      { id: 'errors', label: 'Errors', count: errors.length, panel: errorList, tone: errors.length ? 'error' : '' },
      { id: 'pages', label: 'Pages', count: pages.length, panel: pageList, tone: '' },
      { id: 'clicks', label: 'Clicks', count: clicks.length, panel: clickList, tone: '' },
      { id: 'network', label: 'Network', count: '…', panel: empty('Loading the recorded requests…'), tone: '' },
    ];
    const tabButtons = tabs.map((t, i) =>
      h(
        'button',
        {
          type: 'button',
          role: 'tab',
          id: `tab-${t.id}`,
          class: 'tab',
          'aria-controls': `panel-${t.id}`,
          'aria-selected': String(i === 0),
          tabindex: i === 0 ? '0' : '-1',
        },
        t.label,
        h('span', { class: `tab-count${t.tone ? ` tab-count-${t.tone}` : ''}` }, t.count),
      ),
    );
    const panels = tabs.map((t, i) =>
      h('div', { role: 'tabpanel', id: `panel-${t.id}`, class: 'tab-panel', 'aria-labelledby': `tab-${t.id}`, hidden: i !== 0, tabindex: '0' }, t.panel),
    );
    this.networkPanel = panels[3]!;
    this.networkCount = tabButtons[3]!.querySelector('.tab-count')!;
    this.onSeek = onSeek;
    const select = (i: number, focus: boolean) => {
      tabButtons.forEach((b, j) => {
        b.setAttribute('aria-selected', String(i === j));
        b.tabIndex = i === j ? 0 : -1;
        panels[j]!.hidden = i !== j;
      });
      if (focus) tabButtons[i]!.focus();
    };
    tabButtons.forEach((b, i) => {
      b.addEventListener('click', () => select(i, false));
      b.addEventListener('keydown', (e) => {
        const n = tabButtons.length;
        const to = e.key === 'ArrowRight' ? (i + 1) % n : e.key === 'ArrowLeft' ? (i + n - 1) % n : e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : -1;
        if (to < 0) return;
        e.preventDefault();
        select(to, true);
      });
    });
    this.el = h('aside', { class: 'side-panel', 'aria-label': 'Session events' }, h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Session events' }, ...tabButtons), ...panels);
  }

  private readonly onSeek: (ms: number) => void;

  /** Fills the Network tab (all events loaded). */
  setNetwork(requests: NetworkRequest[]): void {
    this.networkCount.textContent = String(requests.length);
    this.networkPanel.replaceChildren(
      requests.length
        ? h(
            'ol',
            { class: 'event-list' },
            ...requests.map((r) =>
              this.entry(
                r.t,
                r.status !== undefined && r.status >= 400 ? 'request event-request-failed' : 'request',
                h(
                  'span',
                  { class: 'event-request' },
                  url(r.url),
                  h('span', { class: 'muted' }, [r.status ?? 'status unknown', r.kind, r.durationMs !== undefined ? `${r.durationMs} ms` : ''].filter((x) => x !== '').join(' · ')),
                ),
                this.onSeek,
                [],
              ),
            ),
          )
        : empty('No network requests were recorded. The site policy records them only where it says network: capture: true (URLs and timings, never headers or bodies).'),
    );
  }

  private entry(t: number, kind: string, body: Node, onSeek: (ms: number) => void, into: HTMLElement[]): HTMLElement {
    const button = h(
      'button',
      { type: 'button', class: `event event-${kind}`, onclick: () => onSeek(t), title: `Go to ${formatClock(t)}` },
      h('span', { class: 'event-time' }, formatClock(t)),
      body,
    );
    into.push(button);
    return h('li', {}, button);
  }

  /** Marks the current page and the errors already passed at `ms`. */
  setTime(ms: number): void {
    const page = currentIndex(this.pages, ms);
    if (page !== this.currentPage) {
      this.currentPage = page;
      this.pageItems.forEach((el, i) => (i === page ? el.setAttribute('aria-current', 'true') : el.removeAttribute('aria-current')));
    }
    const passed = currentIndex(this.errors, ms);
    if (passed !== this.passedErrors) {
      this.passedErrors = passed;
      this.errorItems.forEach((el, i) => el.classList.toggle('event-past', i <= passed));
    }
  }
}

function empty(text: string): HTMLElement {
  return h('p', { class: 'panel-empty' }, text);
}

function url(raw: string): HTMLElement {
  try {
    const u = new URL(raw);
    return h('span', { class: 'event-url', title: raw }, h('span', { class: 'url-path' }, `${u.pathname}${u.search}${u.hash}`), h('span', { class: 'url-host' }, u.host));
  } catch {
    return h('span', { class: 'event-url', title: raw }, h('span', { class: 'url-path' }, raw));
  }
}
