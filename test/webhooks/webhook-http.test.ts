import { request } from 'node:http';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { postWebhook, scheduleEnvelope, signedWebhook } from '../helpers/webhooks.js';
import { gatewayOverFakeUpstream } from '../helpers/suite.js';

const { gateway, keys } = gatewayOverFakeUpstream();

const TOO_LARGE = { errors: [{ message: 'The request body is too large.', extensions: { code: 'BAD_REQUEST' } }] };

let sequence = 0;
const webhook = async (eventId: string) =>
  signedWebhook(keys.privateKey, scheduleEnvelope({ scheduleId: 'sched-http', sequence: (sequence += 1), eventId }));

interface RawAnswer {
  status: number;
  contentType: string | undefined;
  body: unknown;
}

/** A POST written piece by piece with node:http: chunked unless a Content-Length is given. */
function rawPost(path: string, pieces: Array<string | Buffer>, headers: Record<string, string> = {}): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, gateway.url);
    const req = request(url, { method: 'POST', headers: { 'content-type': 'text/plain', ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], body: JSON.parse(text) as unknown });
      });
    });
    req.on('error', reject);
    for (const piece of pieces) req.write(piece);
    req.end();
  });
}

describe('POST /webhooks/wix read straight off the HTTP server', () => {
  it('answers JSON with its charset, as before', async () => {
    const answer = await rawPost('/webhooks/wix', [await webhook('evt-http-json')]);
    expect(answer).toEqual({
      status: 200,
      contentType: 'application/json; charset=utf-8',
      body: { status: 'accepted', cursor: expect.any(String) },
    });
  });

  it('accepts a chunked body sent in pieces', async () => {
    const token = await webhook('evt-http-chunked');
    const pieces = [token.slice(0, 10), token.slice(10, 500), token.slice(500)];
    expect(await rawPost('/webhooks/wix', pieces)).toMatchObject({ status: 200, body: { status: 'accepted' } });
  });

  it('refuses a body over the limit with 413, whether its length is declared or it is chunked', async () => {
    const declared = await postWebhook(gateway.url, 'a'.repeat(1_024 * 1_024 + 1));
    expect(declared).toEqual({ status: 413, body: TOO_LARGE });
    const piece = 'a'.repeat(64 * 1_024);
    const chunked = await rawPost(
      '/webhooks/wix',
      Array.from({ length: 17 }, () => piece),
    );
    expect(chunked).toMatchObject({ status: 413, body: TOO_LARGE });
    // The connection and the process are fine: the next webhook goes through.
    expect(await postWebhook(gateway.url, await webhook('evt-after-413'))).toMatchObject({ status: 200, body: { status: 'accepted' } });
  });

  it('takes a body of exactly the limit to the verifier', async () => {
    expect(await postWebhook(gateway.url, 'a'.repeat(1_024 * 1_024))).toMatchObject({
      status: 400,
      body: { status: 'refused', reason: 'body is not a JWT' },
    });
  });

  it('refuses an empty body and a body of white space with 400', async () => {
    expect(await rawPost('/webhooks/wix', [])).toEqual({
      status: 400,
      contentType: 'application/json; charset=utf-8',
      body: { status: 'refused', reason: 'empty body' },
    });
    expect(await postWebhook(gateway.url, ' \r\n ')).toMatchObject({ status: 400, body: { reason: 'empty body' } });
  });

  it('ignores the query string, as express routing did', async () => {
    expect(await rawPost('/webhooks/wix?source=wix', [await webhook('evt-http-query')])).toMatchObject({
      status: 200,
      body: { status: 'accepted' },
    });
  });

  it('still serves what it leaves to express: a gzip body, another case, a trailing slash', async () => {
    const gzipped = await rawPost('/webhooks/wix', [gzipSync(await webhook('evt-http-gzip'))], { 'content-encoding': 'gzip' });
    expect(gzipped).toMatchObject({ status: 200, contentType: 'application/json; charset=utf-8', body: { status: 'accepted' } });
    expect(await rawPost('/Webhooks/Wix', [await webhook('evt-http-case')])).toMatchObject({ status: 200, body: { status: 'accepted' } });
    expect(await rawPost('/webhooks/wix/', [await webhook('evt-http-slash')])).toMatchObject({ status: 200, body: { status: 'accepted' } });
    const unknownEncoding = await rawPost('/webhooks/wix', ['x'], { 'content-encoding': 'snappy' });
    expect(unknownEncoding.status).toBe(415);
  });

  it('leaves other methods to express (404)', async () => {
    const response = await fetch(`${gateway.url}/webhooks/wix`);
    expect(response.status).toBe(404);
  });

  it('survives a client that goes away in the middle of its body', async () => {
    await new Promise<void>((resolve) => {
      const req = request(new URL('/webhooks/wix', gateway.url), { method: 'POST', headers: { 'content-length': '5000' } });
      req.on('error', () => resolve());
      req.write('eyJhbGciOi', () => {
        req.destroy();
        resolve();
      });
    });
    expect(await postWebhook(gateway.url, await webhook('evt-after-abort'))).toMatchObject({ status: 200, body: { status: 'accepted' } });
  });
});
