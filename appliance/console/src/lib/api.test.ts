import { describe, expect, it } from 'vitest';
import { ApiClient, ApiError, cookieValue, problemMessage } from './api';

interface Seen {
  url: string;
  init: RequestInit;
}

/** A fetch that answers every call with `respond()` and records what it was asked. */
function fakeFetch(respond: (url: string, init: RequestInit) => Response | Promise<Response>) {
  const seen: Seen[] = [];
  const fn = (async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push({ url: String(input), init: init ?? {} });
    return respond(String(input), init ?? {});
  }) as typeof fetch;
  return { fn, seen };
}

const json = (status: number, body: unknown, type = 'application/json') =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': type } });

const problem = (status: number, detail: string, extra: object = {}) =>
  json(status, { type: 'https://witness.local/problems/x', title: 'Title', status, detail, ...extra }, 'application/problem+json');

function headers(init: RequestInit): Record<string, string> {
  return init.headers as Record<string, string>;
}

describe('ApiClient', () => {
  it('listRecordings_sendsQueryAndSameOriginCredentials', async () => {
    const f = fakeFetch(() => json(200, { items: [], nextCursor: null }));
    const client = new ApiClient({ fetch: f.fn });
    await expect(client.listRecordings({ page: '/a b', limit: '50' })).resolves.toEqual({ items: [], nextCursor: null });
    expect(f.seen[0]!.url).toBe('/api/v1/recordings?page=%2Fa+b&limit=50');
    expect(f.seen[0]!.init.credentials).toBe('same-origin');
    expect(f.seen[0]!.init.method).toBe('GET');
    expect(headers(f.seen[0]!.init)['X-CSRF-Token']).toBeUndefined();
  });

  it('problemJson_rejectsWithDetail', async () => {
    const f = fakeFetch(() => problem(400, 'from must be before to', { violations: [{ field: 'from', message: 'after to' }] }));
    const client = new ApiClient({ fetch: f.fn });
    const error = await client.listRecordings({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(400);
    expect((error as ApiError).problem.type).toBe('https://witness.local/problems/x');
    expect((error as ApiError).message).toBe('from must be before to (from: after to)');
  });

  it('nonJsonError_isSynthesisedProblem', async () => {
    const f = fakeFetch(() => new Response('<html>Bad gateway</html>', { status: 502, headers: { 'Content-Type': 'text/html' } }));
    const error = (await new ApiClient({ fetch: f.fn }).recording('x').catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/HTTP 502/);
  });

  it('malformedProblemJson_isSynthesisedProblem', async () => {
    const f = fakeFetch(() => new Response('{oops', { status: 500, headers: { 'Content-Type': 'application/problem+json' } }));
    const error = (await new ApiClient({ fetch: f.fn }).recording('x').catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(500);
    expect(error.problem.title).toMatch(/could not complete/);
  });

  it('networkFailure_isStatusZero', async () => {
    const f = fakeFetch(() => {
      throw new TypeError('Failed to fetch');
    });
    const error = (await new ApiClient({ fetch: f.fn }).recording('x').catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(0);
    expect(error.message).toMatch(/cannot be reached/);
  });

  it('unauthorized_callsHandler', async () => {
    let called = 0;
    const f = fakeFetch(() => problem(401, 'Sign in first'));
    const client = new ApiClient({ fetch: f.fn, onUnauthorized: () => called++ });
    await expect(client.recording('x')).rejects.toBeInstanceOf(ApiError);
    expect(called).toBe(1);
  });

  it('loginAndMe_unauthorized_doNotRedirect', async () => {
    let called = 0;
    const f = fakeFetch(() => problem(401, 'Wrong username or password.'));
    const client = new ApiClient({ fetch: f.fn, onUnauthorized: () => called++ });
    await expect(client.login('alice', 'nope')).rejects.toThrow('Wrong username or password.');
    await expect(client.me()).rejects.toBeInstanceOf(ApiError);
    expect(called).toBe(0);
  });

  it('login_thenLogout_sendsCsrfTokenFromLogin', async () => {
    const f = fakeFetch((url) =>
      url.endsWith('/login') ? json(200, { username: 'alice', csrfToken: 'tok-1' }) : new Response(null, { status: 204 }),
    );
    const client = new ApiClient({ fetch: f.fn, cookies: () => '' });
    await client.login('alice', 'secret');
    expect(JSON.parse(String(f.seen[0]!.init.body))).toEqual({ username: 'alice', password: 'secret' });
    expect(headers(f.seen[0]!.init)['Content-Type']).toBe('application/json');
    await client.logout();
    expect(headers(f.seen[1]!.init)['X-CSRF-Token']).toBe('tok-1');
  });

  it('stateChangingCall_withoutKnownToken_usesCsrfCookie', async () => {
    const f = fakeFetch(() => new Response(null, { status: 204 }));
    const client = new ApiClient({ fetch: f.fn, cookies: () => 'other=1; witness_csrf=cookie-tok' });
    await client.logout();
    expect(headers(f.seen[0]!.init)['X-CSRF-Token']).toBe('cookie-tok');
  });

  it('recordingEvents_streamsAndReportsProgress', async () => {
    const body = JSON.stringify([{ type: 4, timestamp: 1 }, { type: 2, timestamp: 2 }]);
    const f = fakeFetch(() => new Response(body, { status: 200, headers: { 'Content-Type': 'application/json' } }));
    const progress: number[] = [];
    const events = await collect(new ApiClient({ fetch: f.fn }).recordingEvents('r/1', (b) => progress.push(b)));
    expect(events).toEqual([{ type: 4, timestamp: 1 }, { type: 2, timestamp: 2 }]);
    expect(f.seen[0]!.url).toBe('/api/v1/recordings/r%2F1/events');
    expect(progress.at(-1)).toBe(new TextEncoder().encode(body).byteLength);
  });

  it('recordingEvents_range_asksForThoseEvents', async () => {
    const f = fakeFetch(() => json(200, [{ type: 3, timestamp: 5 }]));
    const events = await collect(new ApiClient({ fetch: f.fn }).recordingEvents('r', undefined, undefined, { offset: 64, limit: 512 }));
    expect(events).toEqual([{ type: 3, timestamp: 5 }]);
    expect(f.seen[0]!.url).toBe('/api/v1/recordings/r/events?offset=64&limit=512');
  });

  it('recordingEvents_yieldsEventsBeforeTheBodyEnds', async () => {
    // Chunks cut inside an event and inside a multi-byte character (é is two bytes in UTF-8).
    const bytes = new TextEncoder().encode('[{"type":4,"timestamp":1,"t":"é"},{"type":2,"timestamp":2}]');
    const cuts = [0, 20, 31, 34, bytes.length];
    let pull = 0;
    let release: () => void = () => undefined;
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (pull === 3) await new Promise<void>((r) => (release = r)); // hold the rest back
        if (pull === cuts.length - 1) controller.close();
        else controller.enqueue(bytes.slice(cuts[pull], cuts[pull + 1]));
        pull++;
      },
    });
    const f = fakeFetch(() => new Response(stream, { status: 200 }));
    const batches = new ApiClient({ fetch: f.fn }).recordingEvents('r');
    expect((await batches.next()).value).toEqual([{ type: 4, timestamp: 1, t: 'é' }]);
    release();
    expect((await batches.next()).value).toEqual([{ type: 2, timestamp: 2 }]);
    expect((await batches.next()).done).toBe(true);
  });

  it('recordingEvents_notAnArray_rejects', async () => {
    const f = fakeFetch(() => json(200, { events: [] }));
    await expect(collect(new ApiClient({ fetch: f.fn }).recordingEvents('r'))).rejects.toThrow(/not an event array/);
  });

  it('recordingEvents_invalidOrTruncated_rejects', async () => {
    for (const body of ['[{"type":4,"timestamp":1},{"type":2', '[{"type":4}]]', '[{"type":4,}]']) {
      const f = fakeFetch(() => new Response(body, { status: 200 }));
      const error = (await collect(new ApiClient({ fetch: f.fn }).recordingEvents('r')).catch((e: unknown) => e)) as ApiError;
      expect(error).toBeInstanceOf(ApiError);
      expect(error.message).toMatch(/invalid JSON/);
    }
  });
});

describe('ApiClient policy and consent', () => {
  const saved = { siteId: 'demo', version: 3, sha256: 'ab', createdAt: '2026-01-01T00:00:00Z', createdBy: 'ada', document: 'a: 1\n', normalised: 'a: 1\n' };

  it('savePolicy_sendsDocumentAsIs_withItsTypeAndCsrfCookie', async () => {
    const f = fakeFetch(() => json(200, saved));
    const client = new ApiClient({ fetch: f.fn, cookies: () => 'witness_csrf=tok%2B1' });
    await expect(client.savePolicy('my site', 'consent:\n  mode: opt-in\n', 'application/yaml')).resolves.toEqual(saved);
    const { url, init } = f.seen[0]!;
    expect(url).toBe('/api/v1/sites/my%20site/policy');
    expect(init.method).toBe('PUT');
    expect(init.body).toBe('consent:\n  mode: opt-in\n');
    expect(headers(init)['Content-Type']).toBe('application/yaml');
    expect(headers(init)['X-CSRF-Token']).toBe('tok+1');
    expect(init.credentials).toBe('same-origin');
  });

  it('validatePolicy_invalid_rejectsWithViolations', async () => {
    const violations = [{ field: 'masking.maskTxt', message: 'line 4, column 3: masking.maskTxt: unknown field' }];
    const f = fakeFetch(() => problem(400, 'the policy has 1 problem', { violations }));
    const client = new ApiClient({ fetch: f.fn, cookies: () => 'witness_csrf=t' });
    const error = (await client.validatePolicy('{"masking":{}}', 'application/json').catch((e: unknown) => e)) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.problem.violations).toEqual(violations);
    expect(f.seen[0]!.url).toBe('/api/v1/policies/validations');
    expect(f.seen[0]!.init.method).toBe('POST');
    expect(headers(f.seen[0]!.init)['Content-Type']).toBe('application/json');
    expect(headers(f.seen[0]!.init)['X-CSRF-Token']).toBe('t');
  });

  it('policyReads_andConsentLedger_askTheDocumentedPaths', async () => {
    const f = fakeFetch(() => json(200, {}));
    const client = new ApiClient({ fetch: f.fn });
    await client.sites();
    await client.sitePolicy('demo');
    await client.policyVersions('demo');
    await client.policyVersion('demo', 2);
    await client.consentSummary('demo');
    await client.consents('demo', 50);
    expect(f.seen.map((s) => s.url)).toEqual([
      '/api/v1/sites',
      '/api/v1/sites/demo/policy',
      '/api/v1/sites/demo/policy/versions',
      '/api/v1/sites/demo/policy/versions/2',
      '/api/v1/consents/summary?site=demo',
      '/api/v1/consents?site=demo&limit=50',
    ]);
    expect(f.seen.every((s) => s.init.method === 'GET' && headers(s.init)['X-CSRF-Token'] === undefined)).toBe(true);
  });
});

async function collect(batches: AsyncIterable<unknown[]>): Promise<unknown[]> {
  const all: unknown[] = [];
  for await (const batch of batches) all.push(...batch);
  return all;
}

describe('helpers', () => {
  it('problemMessage_prefersDetailThenTitle', () => {
    expect(problemMessage({ type: 't', title: 'Forbidden', status: 403, detail: 'Role auditor required' })).toBe('Role auditor required');
    expect(problemMessage({ type: 't', title: 'Forbidden', status: 403 })).toBe('Forbidden');
    expect(problemMessage({ type: 't', title: '', status: 404 })).toBe('Not found.');
  });

  it('cookieValue_findsByExactName', () => {
    expect(cookieValue('a=1; witness_csrf=x%20y; witness_csrf2=z', 'witness_csrf')).toBe('x y');
    expect(cookieValue('', 'witness_csrf')).toBeUndefined();
  });
});
