import { describe, expect, it } from 'vitest';
import { type FakeReply, type RecordedRequest } from '../helpers/fake-upstream.js';
import { wixConnection } from '../helpers/fixtures.js';
import { captureLogs } from '../helpers/log-capture.js';
import { APPLE, ONE_ATTEMPT, applicationError } from '../helpers/api.js';
import { gatewayOverFakeUpstream } from '../helpers/suite.js';

/** connectByCredentials carries a calendar password: it goes to Wix and nowhere else, whatever happens. */

const PASSWORD = 'hunter2-S3cret!pw';
const CONNECT = `mutation($email: String!, $password: String!) {
  connectByCredentials(providerId: "${APPLE}", scheduleId: "s1", email: $email, password: $password) {
    connection { id } userErrors { code message field }
  }
}`;

let reply: FakeReply = { body: {} };
const logs = captureLogs('trace');
/** Every request Wix received in this file (the fixture forgets them between tests). */
const sentToWix: RecordedRequest[] = [];
const { gateway } = gatewayOverFakeUpstream({
  handler: (request) => {
    sentToWix.push(request);
    return reply;
  },
  logger: logs.logger,
  resilience: ONE_ATTEMPT,
});

describe('the password of connectByCredentials is never logged nor echoed', () => {
  it.each<[string, FakeReply, string]>([
    ['a successful connect', { body: { connection: wixConnection('c1', 's1') } }, 'maya@icloud.com'],
    ['BAD_CREDENTIALS', applicationError(401, 'BAD_CREDENTIALS'), 'maya@icloud.com'],
    [
      'a Wix validation error',
      {
        status: 400,
        body: { message: `bad password ${PASSWORD}`, details: { validationError: { fieldViolations: [{ field: 'password' }] } } },
      },
      'maya@icloud.com',
    ],
    ['an upstream outage', { status: 503, text: `crash while handling ${PASSWORD}` }, 'maya@icloud.com'],
    ['a response outside the contract', { body: { connection: { echoed: PASSWORD } } }, 'maya@icloud.com'],
    ['input refused before the call', { body: {} }, 'not-an-email'],
  ])('after %s', async (_name, next, email) => {
    reply = next;
    const before = logs.lines.length;
    const result = await gateway.graphql(CONNECT, { email, password: PASSWORD });
    expect(JSON.stringify(result)).not.toContain(PASSWORD);
    const lines = logs.lines.slice(before);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toContain(PASSWORD);
  });

  it('did send it to Wix, in the body only', () => {
    const sent = sentToWix.filter((request) => (request.body as { password?: string } | undefined)?.password === PASSWORD);
    expect(sent.length).toBeGreaterThan(0);
    for (const request of sentToWix) {
      expect(request.query).not.toContain(PASSWORD);
      expect(JSON.stringify(request.headers)).not.toContain(PASSWORD);
    }
  });
});
