// One node:http server on 127.0.0.1 that serves the corpus pages (with the SDK under test injected at the start of
// every HTML <head>, identically for every SDK) and acts as every SDK's collector, logging each request's body as
// it arrived on the wire (compressed bytes when the SDK compressed).
//
//   /todomvc/**, /sb-admin-2/**           npm todomvc@0.1.1, startbootstrap-sb-admin-2@4.1.4
//   /jquery-ui-demos/**, /usr/share/...   Debian libjs-jquery-ui-docs (its pages load /usr/share/javascript/...)
//   /bench-sdk/<sdk>.js                   the bench bundles (target/sdk/)
//   /rrweb/upload                         plain rrweb's uploader
//   /witness/consent/v1/sites/{key}/...   Witness policy + receipts;  /witness/ingest/v1/batches
//   /openreplay/v1/web/start|i|...        OpenReplay's handshake and batches
//   /api/1/envelope/                      Sentry (DSN http://public@127.0.0.1:PORT/1)
//   /ph/array/{token}/config(.js), /ph/flags/, /ph/static/*, /ph/s/, /ph/e/, /ph/i/v0/e/   PostHog
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { gunzipSync } from 'node:zlib';

export const SITE_KEY = 'bench-site';
export const POSTHOG_TOKEN = 'phc_bench';

/** The snippet each SDK variant puts at the start of <head>: its bundle, then its start call. */
export function snippet(sdk) {
  const tag = (start) => `<script src="/bench-sdk/${sdk}.js"></script><script>${start}</script>`;
  switch (sdk) {
    case 'none': return '';
    case 'rrweb': return tag(`BenchSdk.start({url:location.origin+'/rrweb/upload'})`);
    case 'openreplay': return tag(`BenchSdk.start({ingestPoint:location.origin+'/openreplay'})`);
    case 'sentry': return tag(`BenchSdk.start({dsn:'http://public@'+location.host+'/1'})`);
    case 'posthog': return tag(`BenchSdk.start({apiHost:location.origin+'/ph',token:'${POSTHOG_TOKEN}'})`);
    // A site with its own consent tool (SDK README): no banner, grant() when the visitor agreed.
    case 'witness': case 'witness-baseline': return tag(`Witness.init({endpoint:location.origin+'/witness',siteKey:'${SITE_KEY}',banner:false});Witness.grant(['replay'])`);
    default: throw new Error(`unknown sdk ${sdk}`);
  }
}

const REFERENCE = /"_cssText":"","rr_css":"([0-9a-f]{64})"/g;
const INLINE = /"_cssText":"((?:[^"\\]|\\.)*)"/g;

const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'application/javascript', '.css': 'text/css', '.json': 'application/json',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.svg': 'image/svg+xml', '.gif': 'image/gif', '.woff': 'font/woff', '.woff2': 'font/woff2',
  '.ttf': 'font/ttf', '.eot': 'application/vnd.ms-fontobject', '.ico': 'image/x-icon', '.map': 'application/json' };

// The appliance's policy shape (docs/consent-protocol.md §1) with its strict defaults.
const POLICY = {
  site: SITE_KEY, version: 1,
  consent: { mode: 'opt-in', gpc: 'do-not-record', dnt: 'do-not-record', purposes: ['replay'],
    notice: { version: '2026-12', language: 'en', text: 'We record this visit to improve the site.', sha256: '0'.repeat(64) } },
  capture: { allow: ['/**'], deny: [], sampling: 1, keepQuery: false },
  masking: { inputs: 'all', maskText: [], block: [], unmask: [], piiText: true },
  console: { capture: true, levels: ['error', 'warn'] },
  network: { capture: false },
};

// PostHog remote config: session recording on (console logs too, as a new project has), the other lazy features off.
const POSTHOG_CONFIG = {
  token: POSTHOG_TOKEN, supportedCompression: ['gzip', 'gzip-js'], hasFeatureFlags: false, captureDeadClicks: false,
  capturePerformance: false, autocapture_opt_out: false, autocaptureExceptions: false, analytics: { endpoint: '/i/v0/e/' },
  elementsChainAsString: true, heatmaps: false, surveys: false, defaultIdentifiedOnly: true, siteApps: [],
  sessionRecording: { endpoint: '/s/', consoleLogRecordingEnabled: true, recorderVersion: 'v2', sampleRate: null,
    minimumDurationMilliseconds: null, linkedFlag: null, networkPayloadCapture: null, urlTriggers: [], urlBlocklist: [],
    eventTriggers: [], triggerMatchType: null, scriptConfig: null, masking: null },
};

export class Collector {
  /** @param roots {prefix: directory} for static files; sdkDir: the bench bundles; posthogDist: posthog-js/dist */
  constructor({ roots, sdkDir, posthogDist, warm = false }) {
    this.roots = roots;
    this.warm = warm; // Witness: stylesheets kept across sessions (an appliance that has seen the site before)
    this.stylesheets = new Map(); // Witness: hash -> stylesheet text the "appliance" holds
    this.sdkDir = sdkDir;
    this.posthogDist = posthogDist;
    this.sdk = 'none';
    this.reset();
    this.server = createServer((req, res) => this.handle(req, res));
  }

  listen() {
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => {
      this.port = this.server.address().port;
      resolve(`http://127.0.0.1:${this.port}`);
    }));
  }

  close() { this.server.closeAllConnections?.(); return new Promise((r) => this.server.close(r)); }

  /** Starts a new run: what is logged from now on belongs to it. */
  reset(sdk = this.sdk) {
    this.sdk = sdk;
    if (!this.warm) this.stylesheets.clear();
    this.uploads = [];   // {path, query, bytes, encoding, type, body, t}
    this.assets = new Set(); // SDK files the page loaded (absolute paths)
    this.pageErrors = [];
  }

  handle(req, res) {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        this.route(req, res, Buffer.concat(chunks));
      } catch (e) {
        res.writeHead(500).end(String(e));
      }
    });
  }

  route(req, res, body) {
    const url = new URL(req.url, 'http://x');
    const path = url.pathname;
    if (req.method === 'OPTIONS') return send(res, 204, '', cors(req));
    if (req.method === 'POST' || req.method === 'PUT') {
      this.uploads.push({ path, query: url.search, bytes: body.length, encoding: req.headers['content-encoding'] ?? '',
        type: req.headers['content-type'] ?? '', body, t: Date.now() });
    }
    if (path.startsWith('/bench-sdk/')) return this.file(res, join(this.sdkDir, path.slice('/bench-sdk/'.length)), true);
    if (path === '/rrweb/upload') return json(res, 200, {});
    if (path.startsWith('/witness/')) return this.witness(req, res, path.slice('/witness'.length));
    if (path.startsWith('/openreplay/')) return this.openreplay(req, res, path.slice('/openreplay'.length));
    if (path === '/api/1/envelope/') return json(res, 200, { id: '0'.repeat(32) });
    if (path.startsWith('/ph/')) return this.posthog(req, res, path.slice('/ph'.length));
    if (path === '/usr/share/nodejs/require.js') return this.file(res, '/usr/share/nodejs/requirejs/require.js');
    if (path.startsWith('/usr/share/javascript/')) return this.file(res, normalize(path));
    for (const [prefix, dir] of Object.entries(this.roots)) {
      if (path.startsWith(prefix)) return this.file(res, join(dir, path.slice(prefix.length)));
    }
    if (path === '/favicon.ico') return send(res, 204, '');
    return send(res, 404, 'not found');
  }

  witness(req, res, path) {
    const base = `/consent/v1/sites/${SITE_KEY}/`;
    if (path === `${base}policy`) return json(res, 200, { ...POLICY, stylesheets: [...this.stylesheets.keys()].slice(-32).reverse() });
    if (path === `${base}receipts`) {
      return json(res, 201, { consentId: '00000000-0000-4000-8000-000000000001', receipt: 'eyJ2IjoxfQ.YmVuY2g',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    }
    if (path === '/ingest/v1/batches') return this.witnessBatch(req, res);
    return json(res, 404, {});
  }

  /**
   * The appliance's "stylesheets sent once" (capture-protocol.md; appliance SiteStylesheets): a reference to a
   * stylesheet not held is refused with 409; every stylesheet of 1,000 escaped bytes or more in an accepted batch
   * is remembered by the SHA-256 of its text and named in the answer (and in later policies). Cold (default), the
   * collector starts each session empty, like an appliance that never saw the site: each session's first page
   * sends its stylesheets; warm, it keeps them, like an appliance that earlier visitors of the site went through.
   */
  witnessBatch(req, res) {
    const upload = this.uploads.at(-1);
    const text = (upload.encoding === 'gzip' ? gunzipSync(upload.body) : upload.body).toString('utf8');
    const missing = [...text.matchAll(REFERENCE)].filter((m) => !this.stylesheets.has(m[1]));
    if (missing.length > 0) return json(res, 409, { type: 'stylesheet-unknown', status: 409 });
    const found = [];
    for (const m of text.matchAll(INLINE)) {
      if (m[1].length < 1_000) continue;
      const hash = createHash('sha256').update(JSON.parse(`"${m[1]}"`), 'utf8').digest('hex');
      this.stylesheets.delete(hash); // most recently used last
      this.stylesheets.set(hash, m[1]);
      if (!found.includes(hash)) found.push(hash);
    }
    return json(res, 202, { accepted: true, stylesheets: found });
  }

  openreplay(req, res, path) {
    if (path === '/v1/web/start') {
      const now = Date.now();
      return json(res, 200, { token: `bench-token-${now}`, userUUID: 'bench-user-uuid', projectID: 1, sessionID: String(now),
        delay: 0, startTimestamp: now, beaconSizeLimit: 1_000_000 });
    }
    if (path === '/v1/web/tags') return json(res, 200, { tags: [] });
    if (path.startsWith('/v1/web/conditions/')) return json(res, 200, { conditions: [] });
    return json(res, 200, {});
  }

  posthog(req, res, path) {
    if (path === `/array/${POSTHOG_TOKEN}/config`) return json(res, 200, POSTHOG_CONFIG);
    if (path === `/array/${POSTHOG_TOKEN}/config.js`) {
      const js = `window._POSTHOG_REMOTE_CONFIG=window._POSTHOG_REMOTE_CONFIG||{};window._POSTHOG_REMOTE_CONFIG[${JSON.stringify(POSTHOG_TOKEN)}]=${JSON.stringify({ config: POSTHOG_CONFIG, siteApps: [] })};`;
      return send(res, 200, js, { 'Content-Type': 'application/javascript' });
    }
    if (path.startsWith('/flags')) {
      return json(res, 200, { flags: {}, featureFlags: {}, featureFlagPayloads: {}, errorsWhileComputingFlags: false, quotaLimited: [], requestId: 'bench' });
    }
    if (path.startsWith('/static/')) {
      const file = path.slice('/static/'.length).replace(/^[0-9.]+\//, ''); // /static/<version>/x.js with strict versioning
      return this.file(res, join(this.posthogDist, file), true);
    }
    return json(res, 200, { status: 1 });
  }

  file(res, file, sdkAsset = false) {
    if (file.includes('\0') || !existsSync(file)) return send(res, 404, 'not found');
    let target = file;
    if (statSync(target).isDirectory()) target = join(target, 'index.html');
    if (!existsSync(target)) return send(res, 404, 'not found');
    if (sdkAsset) this.assets.add(target);
    const type = TYPES[extname(target)] ?? 'application/octet-stream';
    const headers = { 'Content-Type': type, 'Cache-Control': 'no-store' };
    if (type.startsWith('text/html')) {
      const html = readFileSync(target, 'utf8');
      const tag = snippet(this.sdk);
      const m = /<head[^>]*>/i.exec(html);
      const out = m ? html.slice(0, m.index + m[0].length) + tag + html.slice(m.index + m[0].length) : tag + html;
      return send(res, 200, out, headers);
    }
    res.writeHead(200, headers);
    createReadStream(target).pipe(res);
  }
}

function cors(req) {
  return { 'Access-Control-Allow-Origin': req.headers.origin ?? '*', 'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Allow-Headers': req.headers['access-control-request-headers'] ?? '*', 'Access-Control-Allow-Credentials': 'true' };
}

function send(res, status, body, headers = {}) {
  res.writeHead(status, headers);
  res.end(body);
}

function json(res, status, value) {
  send(res, status, JSON.stringify(value), { 'Content-Type': 'application/json' });
}
