#!/usr/bin/env node
/**
 * A fake Witness appliance for working on the console without the Java server: serves the built console at
 * /console/ and a small in-memory version of /api/v1 (docs/api.md) over the shared rrweb corpus.
 * Not used by the appliance or its tests; the real contract is the server's.
 *
 *   npm run build && node dev/fake-appliance.mjs [--dist <built console>] [--port 8099] [--corpus /work/shared/corpus] [--copies 5]
 *     [--events-kbps 500]   (send event bodies at that rate, in 16 kB pieces, to watch the replay page stream)
 *   sign in as any user with the password "witness"
 */
import { createServer } from 'node:http';
import { readFileSync, readdirSync, existsSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join, extname, normalize } from 'node:path';
import { randomUUID, createHash } from 'node:crypto';

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const PORT = Number(arg('port', '8099'));
const CORPUS = arg('corpus', '/work/shared/corpus');
const COPIES = Number(arg('copies', '5'));
const DIST = normalize(arg('dist', new URL('../../target/classes/WEB/console/', import.meta.url).pathname) + '/');

// ---- derive RecordingDetail from rrweb events (what the real server computes at ingest) -------------------------
function derive(events) {
  const first = events[0].timestamp;
  const t = (e) => e.timestamp - first;
  const nodes = new Map();
  const visit = (n) => {
    if (!n) return;
    nodes.set(n.id, n);
    (n.childNodes ?? []).forEach(visit);
  };
  const selector = (id) => {
    const n = nodes.get(id);
    if (!n || !n.tagName) return `#${id}`;
    const a = n.attributes ?? {};
    return `${n.tagName}${a.id ? `#${a.id}` : ''}${a.class ? `.${String(a.class).trim().split(/\s+/).slice(0, 2).join('.')}` : ''}`;
  };
  const pages = [], clicks = [], errors = [], inputs = [], viewports = [];
  let lastActive = first, activeMs = 0;
  for (const e of events) {
    if (e.type === 2) visit(e.data.node);
    if (e.type === 4) {
      pages.push({ t: t(e), url: e.data.href });
      viewports.push({ t: t(e), width: e.data.width, height: e.data.height });
    }
    if (e.type === 3) {
      const d = e.data;
      if (d.source === 0) (d.adds ?? []).forEach((a) => visit(a.node));
      if (d.source >= 1 && d.source <= 5) {
        activeMs += Math.min(e.timestamp - lastActive, 5000);
        lastActive = e.timestamp;
      }
      if (d.source === 2 && d.type === 2) clicks.push({ t: t(e), x: Math.round(d.x ?? 0), y: Math.round(d.y ?? 0), selector: selector(d.id) });
      if (d.source === 5) inputs.push({ t: t(e), selector: selector(d.id) });
      if (d.source === 4) viewports.push({ t: t(e), width: d.width, height: d.height });
    }
    if (e.type === 6 && e.data.plugin === 'rrweb/console@1' && e.data.payload.level === 'error') {
      errors.push({ t: t(e), message: e.data.payload.payload.map((p) => { try { return JSON.parse(p); } catch { return p; } }).join(' ') });
    }
  }
  const last = events[events.length - 1].timestamp;
  return { durationMs: last - first, activeMs, eventCount: events.length, pages, clicks, errors, inputs, viewports, firstUrl: pages[0]?.url ?? '' };
}

const recordings = [];
const eventsById = new Map();
for (const name of readdirSync(CORPUS).sort()) {
  const dir = join(CORPUS, name);
  if (!statSync(dir).isDirectory()) continue;
  const gz = join(dir, 'events.json.gz');
  const raw = existsSync(gz) ? gunzipSync(readFileSync(gz)) : readFileSync(join(dir, 'events.json'));
  const events = JSON.parse(raw.toString('utf8'));
  const d = derive(events);
  for (let k = 0; k < COPIES; k++) {
    const id = createHash('sha256').update(`${name}/${k}`).digest('hex').slice(0, 32).replace(/(.{8})(.{4})(.{4})(.{4})(.{12})/, '$1-$2-$3-$4-$5');
    const shift = k * 26 * 3600_000 + recordings.length * 7 * 60_000;
    const started = events[0].timestamp - shift;
    recordings.push({
      id, siteId: 'demo', source: recordings.length % 7 === 3 ? 'import' : 'live',
      startedAt: new Date(started).toISOString(), endedAt: new Date(started + d.durationMs).toISOString(),
      durationMs: d.durationMs, activeMs: d.activeMs, eventCount: d.eventCount, pageCount: d.pages.length,
      clickCount: d.clicks.length, errorCount: d.errors.length, firstUrl: d.firstUrl,
      viewportWidth: d.viewports[0]?.width ?? 0, viewportHeight: d.viewports[0]?.height ?? 0,
      _detail: d, _name: name,
    });
    eventsById.set(id, raw);
  }
}
recordings.sort((a, b) => b.startedAt.localeCompare(a.startedAt));
console.log(`fake appliance: ${recordings.length} recordings from ${CORPUS}`);

// ---- HTTP -------------------------------------------------------------------------------------------------------
const sessions = new Map(); // session id -> {username, csrf}
const problem = (res, status, title, detail, extra = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/problem+json' });
  res.end(JSON.stringify({ type: `https://witness.local/problems/${title.toLowerCase().replace(/\W+/g, '-')}`, title, status, detail, ...extra }));
};
const json = (res, status, body, headers = {}) => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};
const cookies = (req) => Object.fromEntries((req.headers.cookie ?? '').split(';').filter(Boolean).map((c) => c.trim().split('=')));
const body = (req) => new Promise((resolve) => { let s = ''; req.on('data', (c) => (s += c)); req.on('end', () => resolve(s)); });
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png' };
const summary = ({ _detail, _name, ...r }) => r;
const delay = Number(arg('delay', '0'));
const eventsKbps = Number(arg('events-kbps', '0'));
// The appliance's policy for /console (appliance platform/SecurityHeaders.java): no inline script anywhere.
const CONSOLE_CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src * data: blob:; font-src * data:; " +
  "media-src * data: blob:; frame-src 'self' blob: about:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

createServer(async (req, res) => {
  const url = new URL(req.url, 'http://x');
  const path = url.pathname;
  if (delay) await new Promise((r) => setTimeout(r, delay));
  if (path === '/' ) { res.writeHead(302, { Location: '/console/' }); return res.end(); }
  if (path === '/console/') { res.writeHead(302, { Location: '/console/index.html' }); return res.end(); } // as the appliance does
  if (path.startsWith('/console/')) {
    let file = normalize(join(DIST, path.slice('/console/'.length) || 'index.html'));
    if (file.endsWith('/')) file += 'index.html';
    if (!file.startsWith(DIST) || !existsSync(file) || statSync(file).isDirectory()) { res.writeHead(404); return res.end('not found'); }
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream', 'Content-Security-Policy': CONSOLE_CSP, 'X-Frame-Options': 'DENY' });
    return res.end(readFileSync(file));
  }
  if (!path.startsWith('/api/')) { res.writeHead(404); return res.end(); }

  const sid = cookies(req).witness_session;
  const session = sid && sessions.get(sid);
  if (path === '/api/v1/auth/login' && req.method === 'POST') {
    let creds = {};
    try { creds = JSON.parse(await body(req)); } catch { /* empty */ }
    if (!creds.username || creds.password !== 'witness') return problem(res, 401, 'Unauthorized', 'Wrong username or password.');
    const id = randomUUID(), csrf = randomUUID();
    sessions.set(id, { username: creds.username, csrf });
    return json(res, 200, { username: creds.username, csrfToken: csrf }, {
      'Set-Cookie': [`witness_session=${id}; HttpOnly; SameSite=Strict; Path=/`, `witness_csrf=${csrf}; SameSite=Strict; Path=/`],
    });
  }
  if (!session) return problem(res, 401, 'Unauthorized', 'Sign in to continue.');
  if (req.method !== 'GET' && req.headers['x-csrf-token'] !== session.csrf) return problem(res, 403, 'Forbidden', 'Missing or wrong CSRF token.');
  if (path === '/api/v1/auth/me') return json(res, 200, { username: session.username, csrfToken: session.csrf });
  if (path === '/api/v1/auth/logout' && req.method === 'POST') {
    sessions.delete(sid);
    res.writeHead(204, { 'Set-Cookie': ['witness_session=; Max-Age=0; Path=/', 'witness_csrf=; Max-Age=0; Path=/'] });
    return res.end();
  }
  if (path === '/api/v1/recordings') {
    const q = url.searchParams;
    const limit = Number(q.get('limit') ?? 50);
    if (!(limit >= 1 && limit <= 200)) return problem(res, 400, 'Bad Request', 'Invalid query.', { violations: [{ field: 'limit', message: 'must be between 1 and 200' }] });
    let items = recordings.filter((r) =>
      (!q.get('from') || r.startedAt >= q.get('from')) && (!q.get('to') || r.startedAt <= q.get('to')) &&
      (!q.get('urlContains') || r.firstUrl.includes(q.get('urlContains'))) &&
      (!q.get('minDurationMs') || r.durationMs >= Number(q.get('minDurationMs'))) &&
      (!q.get('maxDurationMs') || r.durationMs <= Number(q.get('maxDurationMs'))) &&
      (q.get('hasError') !== 'true' || r.errorCount > 0));
    const offset = q.get('cursor') ? Number(Buffer.from(q.get('cursor'), 'base64url').toString()) : 0;
    const page = items.slice(offset, offset + limit);
    const next = offset + limit < items.length ? Buffer.from(String(offset + limit)).toString('base64url') : null;
    return json(res, 200, { items: page.map(summary), nextCursor: next });
  }
  const m = path.match(/^\/api\/v1\/recordings\/([^/]+)(\/events)?$/);
  if (m) {
    const r = recordings.find((x) => x.id === decodeURIComponent(m[1]));
    if (!r) return problem(res, 404, 'Not Found', `No recording ${m[1]}.`);
    if (m[2]) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      const raw = eventsById.get(r.id);
      if (!eventsKbps) return res.end(raw);
      const send = (at) => (at >= raw.length ? res.end() : (res.write(raw.subarray(at, at + 16_384)), setTimeout(() => send(at + 16_384), 16_384 / eventsKbps)));
      return send(0);
    }
    const { pages, clicks, errors, inputs, viewports } = r._detail;
    return json(res, 200, { ...summary(r), pages, clicks, errors, inputs, viewports });
  }
  return problem(res, 404, 'Not Found', 'No such API resource.');
}).listen(PORT, '127.0.0.1', () => console.log(`fake appliance: http://127.0.0.1:${PORT}/console/`));
