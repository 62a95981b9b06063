import { describe, expect, it } from 'vitest';
import { serverAudits } from 'graphql-http';
import { gatewayOverFakeUpstream } from '../helpers/suite.js';

const { upstream, gateway } = gatewayOverFakeUpstream();

describe('GraphQL over HTTP compliance (graphql-http serverAudits)', () => {
  it('passes every MUST and every SHOULD', async () => {
    const audits = serverAudits({ url: () => `${gateway.url}/graphql`, fetchFn: fetch });
    const failures: string[] = [];
    for (const audit of audits) {
      const result = await audit.fn();
      // 'notice' marks a MAY the gateway chose not to do.
      if (result.status === 'warn' || result.status === 'error') failures.push(`${result.status}: ${audit.name}: ${result.reason}`);
    }
    expect(failures).toEqual([]);
  });
});

describe('Cache-Control', () => {
  const post = (body: unknown) =>
    fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it("marks every answer as not to be stored: each is the caller's own, fresh from Wix", async () => {
    upstream.handle(() => ({ body: { providers: [] } }));
    const answered = await post({ query: '{ providers { id } }' });
    expect(answered.status).toBe(200);
    expect(answered.headers.get('cache-control')).toBe('no-store');
  });

  it('marks refusals the same way', async () => {
    const refused = await post({ query: '{ providers { id }' });
    expect(refused.status).toBe(200);
    expect(refused.headers.get('cache-control')).toBe('no-store');
  });
});
