// The scripted interaction per page, after the corpus sessions' `actions` (shared/corpus/<session>/meta.json:
// todomvc-vanillajs, sb-admin-tables-charts, jqueryui-modal-form): the same clicks, typing, filters, paging and
// modal form, with the corpus's pauses, identical for every SDK. Each scenario also types the privacy probes:
// `input` strings only ever live in an input's value (typed, then erased or refused by validation); `text` strings
// are PII patterns the page then shows as text (an e-mail and a card number). A run that would leak them is one
// whose uploads contain them, decompressed.

import { existsSync } from 'node:fs';
import { join } from 'node:path';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const CARD = '4111 1111 1111 1111';
const EMAIL = 'maria.garcia@example.org';

/** Where Debian's libjs-jquery-ui-docs puts the jQuery UI demos (the modal form page). */
export const JQUERY_UI_DEMOS = '/usr/share/doc/libjs-jquery-ui-docs/examples';

/** What the pages and the browser need on this machine, as a message saying what to install; undefined if present. */
export function missingPrerequisite(pages, chromium) {
  if (!existsSync(chromium)) {
    return `${chromium} is missing: install Debian's chromium (apt-get install -y chromium); nothing here downloads a browser`;
  }
  if (pages.includes('jqueryui-modal-form') && (!existsSync(join(JQUERY_UI_DEMOS, 'dialog/modal-form.html'))
      || !existsSync('/usr/share/nodejs/requirejs/require.js'))) {
    return 'the jQuery UI modal form page is missing: install the Debian package libjs-jquery-ui-docs'
      + ' (apt-get install -y libjs-jquery-ui-docs)';
  }
  return undefined;
}

export const SCENARIOS = {
  todomvc: {
    corpus: 'todomvc-vanillajs',
    viewport: { width: 1280, height: 800 },
    probes: { input: ['ana.lopez@example.net', '5500 0000 0000 0004'], text: [EMAIL, CARD] },
    async run(page, origin, act) {
      await page.goto(`${origin}/todomvc/`);
      await sleep(2500);
      await act.wander(3);
      await act.scroll(700);
      await act.click('p:has-text("Backbone, Ember, AngularJS")');
      await act.scroll(500);
      await sleep(1500);
      await act.click('a[href="examples/vanillajs/"]', { navigates: true });
      await sleep(4000);
      for (const text of ['Buy milk', 'Write the quarterly report', 'Call the plumber', `Pay card ${CARD}`, `Email ${EMAIL}`]) {
        await act.click('#new-todo');
        await act.type(text);
        await act.press('Enter');
        await sleep(500);
      }
      // typed into the new-todo field and erased: an input value that never becomes page text
      await act.click('#new-todo');
      await act.type('Ticket for ana.lopez@example.net card 5500 0000 0000 0004');
      await sleep(800);
      await act.press('Control+A');
      await act.press('Backspace');
      await sleep(700);
      await act.click('#todo-list li >> nth=1 >> .toggle');
      await act.click('#todo-list li >> nth=3 >> .toggle');
      await act.rageClick('#header h1', 6);
      await sleep(1000);
      await act.click('#filters a[href="#/active"]');
      await sleep(1500);
      await act.click('#filters a[href="#/completed"]');
      await sleep(2000);
      await act.click('#filters a[href="#/"]');
      await act.dblclick('#todo-list li >> nth=0 >> label');
      await act.press('End');
      await act.type(' and bread');
      await act.press('Enter');
      await sleep(600);
      await act.hover('#todo-list li >> nth=2');
      await act.click('#todo-list li >> nth=2 >> .destroy');
      await act.click('#info p');
      await sleep(1500);
      await act.click('#clear-completed');
      await act.resize(1024, 700);
      await act.wander(2);
      await act.jsError();
      await sleep(900);
      await act.click('#toggle-all');
    },
  },

  'sb-admin': {
    corpus: 'sb-admin-tables-charts',
    viewport: { width: 1440, height: 900 },
    probes: { input: [EMAIL, CARD], text: [] }, // the table pages show no typed text: no text probe here
    async run(page, origin, act) {
      await page.goto(`${origin}/sb-admin-2/tables.html`);
      await sleep(5500);
      await act.wander(2);
      // the search box: PII typed and erased (no row matches), then the corpus's "London"
      await act.click('#dataTable_filter input');
      await act.type(EMAIL);
      await sleep(1200);
      await act.press('Control+A');
      await act.type(CARD);
      await sleep(1200);
      await act.press('Control+A');
      await act.type('London');
      await sleep(6000);
      await act.click('#dataTable_filter input');
      await act.press('Control+A');
      await act.press('Backspace');
      await sleep(300);
      await act.click('#dataTable thead th:nth-child(3)');
      await sleep(1000);
      await act.click('#dataTable thead th:nth-child(6)');
      await sleep(1000);
      await act.click('#dataTable thead th:nth-child(6)');
      await sleep(1000);
      await act.select('select[name="dataTable_length"]', '25');
      await act.scroll(900);
      await act.click('#dataTable_next');
      await act.rageClick('#dataTable_next', 6);
      await sleep(800);
      await act.click('#dataTable tbody td >> nth=3');
      await sleep(1500);
      await act.scroll(-1500);
      await act.click('a.nav-link[href="charts.html"]', { navigates: true });
      await sleep(5000);
      await act.wander(3);
      await sleep(6000);
      await act.scroll(600);
      await act.hover('#myAreaChart');
      await sleep(800);
      await act.resize(1200, 800);
      await act.jsError();
    },
  },

  'jqueryui-modal-form': {
    corpus: 'jqueryui-modal-form',
    viewport: { width: 1280, height: 800 },
    // the first account's e-mail is shown in the users table (text); the second attempt's e-mail and password
    // fail validation and stay input values
    probes: { input: ['bob-at-example', 'ZebraSecret77'], text: [EMAIL] },
    async run(page, origin, act) {
      await page.goto(`${origin}/jquery-ui-demos/`);
      await sleep(3500);
      await act.wander(2);
      await act.click('a[href="dialog/"]', { navigates: true });
      await sleep(4500);
      await act.click('a[href="modal-form.html"]', { navigates: true });
      await sleep(4500);
      await act.click('p:has-text("multi-step process")');
      await sleep(1000);
      await act.click('#create-user');
      await sleep(800);
      await act.fill('#name', 'Maria Garcia');
      await act.fill('#email', EMAIL);
      await act.fill('#password', 'Tr0ub4dorPass');
      await sleep(4000);
      await act.click('.ui-dialog-buttonpane button:has-text("Create an account")');
      await sleep(1500);
      await act.click('#create-user');
      await sleep(800);
      await act.fill('#name', 'Bob');
      await act.fill('#email', 'bob-at-example');
      await act.fill('#password', 'ZebraSecret77');
      await act.rageClick('.ui-dialog-buttonpane button:has-text("Create an account")', 5);
      await sleep(2000);
      await act.click('.ui-dialog-buttonpane button:has-text("Cancel")');
      await act.click('#users-contain h1');
      await sleep(1200);
      await page.goto(`${origin}/jquery-ui-demos/dialog/modal-confirmation.html`);
      await sleep(4000);
      await act.click('.ui-dialog-buttonpane button:has-text("Cancel")');
      await act.resize(800, 800);
      await sleep(1000);
      await act.jsError();
      await act.wander(2);
    },
  },
};

/** The input helpers a scenario uses; a failed action is logged (`failures`) and the script goes on. */
export function actions(page) {
  const failures = [];
  let wanderStep = 0;
  const guard = (name, fn) => async (...args) => {
    try {
      await fn(...args);
    } catch (e) {
      failures.push(`${name}(${args.filter((a) => typeof a !== 'object').join(', ')}): ${String(e.message).split('\n')[0]}`);
    }
  };
  const act = {
    failures,
    click: guard('click', async (sel, { navigates = false } = {}) => {
      if (navigates) await Promise.all([page.waitForNavigation({ timeout: 10_000 }), page.click(sel, { timeout: 5000 })]);
      else await page.click(sel, { timeout: 5000 });
      await sleep(250);
    }),
    dblclick: guard('dblclick', async (sel) => { await page.dblclick(sel, { timeout: 5000 }); await sleep(300); }),
    hover: guard('hover', async (sel) => { await page.hover(sel, { timeout: 5000 }); await sleep(400); }),
    type: guard('type', (text) => page.keyboard.type(text, { delay: 90 })),
    press: guard('press', async (key) => { await page.keyboard.press(key); await sleep(120); }),
    fill: guard('fill', async (sel, text) => {
      await page.click(sel, { timeout: 5000 });
      await page.keyboard.press('Control+A');
      await page.keyboard.type(text, { delay: 90 });
      await sleep(350);
    }),
    select: guard('select', async (sel, value) => { await page.selectOption(sel, value, { timeout: 5000 }); await sleep(400); }),
    scroll: guard('scroll', async (dy) => {
      for (let i = 0; i < 5; i++) { await page.mouse.wheel(0, dy / 5); await sleep(90); }
      await sleep(500);
    }),
    rageClick: guard('rageClick', async (sel, n) => {
      const box = await page.locator(sel).first().boundingBox({ timeout: 5000 });
      for (let i = 0; i < n; i++) { await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2); await sleep(150); }
    }),
    wander: guard('wander', async (moves) => {
      const { width, height } = page.viewportSize();
      for (let i = 0; i < moves; i++) {
        wanderStep++;
        const x = Math.round(((wanderStep * 379) % 1000) / 1000 * (width - 40)) + 20;
        const y = Math.round(((wanderStep * 613) % 1000) / 1000 * (height - 40)) + 20;
        await page.mouse.move(x, y, { steps: 12 });
        await sleep(450);
      }
    }),
    resize: guard('resize', async (width, height) => { await page.setViewportSize({ width, height }); await sleep(500); }),
    jsError: guard('jsError', () => page.evaluate(() => setTimeout(() => { throw new Error('boom'); }, 0))),
  };
  return act;
}
