import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeUpstream, type FakeUpstream } from '../helpers/fake-upstream.js';
import { startTestGateway, type TestGateway } from '../helpers/gateway.js';
import { captureLogs } from '../helpers/log-capture.js';

let upstream: FakeUpstream;
let gateway: TestGateway;
const logs = captureLogs();

beforeAll(async () => {
  upstream = await startFakeUpstream();
  gateway = await startTestGateway({ upstreamUrl: upstream.url, logger: logs.logger });
});
afterAll(async () => {
  await gateway.close();
  await upstream.close();
});

async function post(body: string | Uint8Array, headers: Record<string, string>) {
  const response = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text };
}

describe('malformed HTTP requests get a GraphQL-style JSON error and leave no stack trace', () => {
  it.each([
    ['invalid JSON', '{"query": "{ connections', { 'content-type': 'application/json' }, 400],
    ['a JSON array (batching)', '[{"query":"{ __typename }"}]', { 'content-type': 'application/json' }, 400],
    ['a JSON string', '"hello"', { 'content-type': 'application/json' }, 400],
    ['no query', '{"variables":{}}', { 'content-type': 'application/json' }, 400],
    ['a non-string query', '{"query": 42}', { 'content-type': 'application/json' }, 400],
    ['variables that are not an object', '{"query":"{ __typename }","variables":[1]}', { 'content-type': 'application/json' }, 400],
    ['text/plain', '{"query":"{ __typename }"}', { 'content-type': 'text/plain' }, 415],
    ['no content type', '{"query":"{ __typename }"}', {}, 415],
    ['an unknown charset', '{"query":"{ __typename }"}', { 'content-type': 'application/json; charset=klingon' }, 415],
    ['a body over the limit', `{"query":"${'x'.repeat(1_100_000)}"}`, { 'content-type': 'application/json' }, 413],
  ])('answers %s with a JSON error', async (_name, body, headers, status) => {
    const response = await post(body, headers);
    expect(response.status).toBe(status);
    expect(response.contentType).toMatch(/json/);
    const parsed = JSON.parse(response.text) as { errors: Array<{ message: string }> };
    expect(parsed.errors[0]?.message).toEqual(expect.any(String));
    expect(response.text).not.toMatch(/at .*\.(js|ts):\d+/);
  });

  it('answers an unknown path with a JSON 404', async () => {
    const response = await fetch(`${gateway.url}/nope`);
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
  });

  it('logged no stack trace and no error for any of them', () => {
    const text = logs.lines.join('\n');
    expect(text).not.toMatch(/"stack"/);
    expect(logs.records().filter((r) => Number(r.level) >= 50)).toEqual([]);
  });
});

describe('health', () => {
  it('answers /healthz and /readyz', async () => {
    expect(await (await fetch(`${gateway.url}/healthz`)).json()).toEqual({ status: 'ok' });
    expect((await fetch(`${gateway.url}/readyz`)).status).toBe(200);
  });
});

describe('Sandbox', () => {
  it('serves the Apollo Sandbox landing page to a browser on GET /graphql', async () => {
    const response = await fetch(`${gateway.url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('embeddable-sandbox');
  });

  it('serves no landing page when Sandbox is off', async () => {
    const closed = await startTestGateway({ upstreamUrl: upstream.url, sandbox: false, introspection: false });
    try {
      const response = await fetch(`${closed.url}/graphql`, { headers: { accept: 'text/html' } });
      expect(await response.text()).not.toContain('embeddable-sandbox');
      const introspection = await closed.graphql('{ __schema { types { name } } }');
      expect(introspection.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    } finally {
      await closed.close();
    }
  });
});
