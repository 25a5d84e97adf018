import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { buildEnvelope } from '../src/envelope';
import { CSS_KEY, Stylesheets } from '../src/stylesheets';
import { FakeServer, RecordingStorage, transportTo } from './fakes';

// Quotes, backslashes and a backslash before a quote in the text: the JSON has \" \\ and \\\" in it.
const CSS = `.é::before{content:"q\\"}.a::after{content:"\\\\"}\n${'.row{margin:0 auto}'.repeat(120)}`;
const HASH = createHash('sha256').update(CSS, 'utf8').digest('hex');
const SHORT = 'b{x:1}';

function snapshotBatch() {
  const event = {
    type: 2,
    timestamp: 1,
    data: { node: { type: 0, id: 1, childNodes: [
      { type: 2, id: 2, tagName: 'style', attributes: { _cssText: CSS }, childNodes: [] },
      { type: 2, id: 3, tagName: 'style', attributes: { _cssText: SHORT, media: 'print' }, childNodes: [] },
      { type: 3, id: 4, textContent: '"_cssText":"' },
    ] } },
  };
  const json = buildEnvelope({ sessionId: 'sessionForStylesheets1', seq: 0, sentAt: 1 }, [JSON.stringify(event)]);
  return { json, size: json.length };
}

describe('Stylesheets', () => {
  it('shrink_replacesOnlyStylesheetsTheApplianceHolds', async () => {
    const css = new Stylesheets();
    const { json } = snapshotBatch();
    expect(await css.shrink(json)).toBe(json); // none known: nothing to do, nothing hashed
    css.learn([HASH, 'not a hash', 42]);
    const shrunk = await css.shrink(json);
    expect(shrunk.length).toBeLessThan(json.length - CSS.length + 100);
    expect(shrunk).toContain(`"_cssText":"","rr_css":"${HASH}"`);
    const parsed = JSON.parse(shrunk);
    const [big, small, text] = parsed.events[0].data.node.childNodes;
    expect(big.attributes).toEqual({ _cssText: '', rr_css: HASH });
    expect(small.attributes).toEqual({ _cssText: SHORT, media: 'print' });
    expect(text.textContent).toBe('"_cssText":"');
  });
});

describe('Stylesheets in the tab', () => {
  it('learn_keepsTheHashesForTheNextPage_forgetRemovesThem', async () => {
    const tab = new RecordingStorage();
    await expect(new Stylesheets(tab).shrink('{}')).resolves.toBe('{}');
    expect(tab.writes).toEqual([]); // nothing written before anything is learnt (before consent)
    new Stylesheets(tab).learn([HASH]);
    const nextPage = new Stylesheets(tab);
    expect(await nextPage.shrink(snapshotBatch().json)).toContain(`"rr_css":"${HASH}"`);
    nextPage.forget();
    expect(tab.getItem(CSS_KEY)).toBeNull();
    tab.setItem(CSS_KEY, 'not json');
    expect(await new Stylesheets(tab).shrink(snapshotBatch().json)).toBe(snapshotBatch().json);
  });
});

describe('Transport with stylesheets', () => {
  let server: FakeServer;
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    server = new FakeServer();
  });
  afterEach(() => vi.useRealTimers());

  const transport = (css: Stylesheets) => transportTo(server, { gzip: true, stylesheets: css });

  it('send_learnsFromAnswers_thenSendsReferences', async () => {
    const css = new Stylesheets();
    const t = transport(css);
    server.stylesheets = [HASH];
    t.enqueue(snapshotBatch());
    await t.idle();
    await new Promise((resolve) => setImmediate(resolve)); // the answer's JSON
    t.enqueue(snapshotBatch());
    await t.idle();
    expect(server.requests[0].text).toContain(JSON.stringify(CSS));
    expect(server.requests[1].text).toContain(`"rr_css":"${HASH}"`);
    expect(server.requests[1].text.length).toBeLessThan(server.requests[0].text.length / 2);
  });

  it('send_a409SendsTheBatchAgainAsRecorded_andForgetsTheHashes', async () => {
    const css = new Stylesheets();
    css.learn([HASH]);
    const t = transport(css);
    server.answer(409);
    const batch = snapshotBatch();
    t.enqueue(batch);
    await t.idle();
    expect(server.requests).toHaveLength(2);
    expect(server.requests[0].text).toContain('rr_css');
    expect(server.requests[1].text).toBe(batch.json);
    expect(t.stats).toMatchObject({ sent: 1, rejected: 0 });
    expect(await css.shrink(batch.json)).toBe(batch.json);
  });
});
