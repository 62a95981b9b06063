import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from 'graphql-ws';
import { startTestApp } from '../helpers/app.js';
import { connect, subscribe, waitFor } from '../helpers/ws-client.js';

/** Every ```graphql block of the README, in order: the docs must work against the emulator as written. */
const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const examples = [...README.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

let app: Awaited<ReturnType<typeof startTestApp>>;
let client: Client;

beforeAll(async () => {
  app = await startTestApp();
  client = connect(`${app.gateway.url.replace('http', 'ws')}/graphql`);
});
afterAll(async () => {
  await client.dispose();
  await app.close();
});

describe('the README examples work against a fresh emulator as written', () => {
  it('has examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  it('answers every query and mutation with data, no errors and no userErrors', async () => {
    const subscriptions = examples.filter((example) => example.trimStart().startsWith('subscription'));
    const live = subscriptions.map((query) => subscribe(client, query));
    await waitFor(() => app.bus.listenerCount() === subscriptions.length, 'the README subscriptions');
    for (const example of examples.filter((e) => !e.trimStart().startsWith('subscription'))) {
      const result = await app.graphql(example);
      expect({ example, errors: result.errors }).toEqual({ example, errors: undefined });
      expect({ example, userErrors: JSON.stringify(result.data).match(/"userErrors":\[[^\]]/g) }).toEqual({ example, userErrors: null });
    }
    // The README's updateSchedule fires the README's subscription.
    for (const subscription of live) {
      expect((await subscription.next()).data).toMatchObject({ scheduleUpdated: { schedule: { name: 'Maya Cohen — Strength training' } } });
      subscription.unsubscribe();
    }
  });
});
