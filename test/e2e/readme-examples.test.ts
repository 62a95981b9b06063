import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { subscribe, waitFor } from '../helpers/ws-client.js';
import { appWithClientForFile } from '../helpers/suite.js';

/**
 * Every ```graphql block of the README, in order: the docs must work against the emulator as
 * written. Where the README asks the reader to paste an id from an answer (ids of new connections
 * and schedules are random), an HTML comment after that block, `<!-- readme-test: NAME = dotted.path -->`,
 * tells this test to read `data.dotted.path` from that block's answer and put it in place of NAME
 * in the blocks that follow, as the reader would.
 */
const README = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');

interface Example {
  query: string;
  /** Values the reader copies from this block's answer into later blocks. */
  captures: Array<{ name: string; path: string[] }>;
}

const examples: Example[] = [];
for (const match of README.matchAll(/```graphql\n([\s\S]*?)```|<!--\s*readme-test:\s*(\w+)\s*=\s*([\w.]+)\s*-->/g)) {
  const [, query, name, path] = match;
  if (query !== undefined) examples.push({ query, captures: [] });
  else if (name && path) examples.at(-1)?.captures.push({ name, path: path.split('.') });
}
const placeholders = examples.flatMap((example) => example.captures.map((capture) => capture.name));

function read(data: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined),
    data,
  );
}

const { app, client } = appWithClientForFile();

describe('the README examples work against a fresh emulator as written', () => {
  it('has examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(5);
  });

  it('names each placeholder once and uses it only after the answer that provides it', () => {
    expect(new Set(placeholders).size).toBe(placeholders.length);
    examples.forEach((example, index) => {
      const provided = examples.slice(0, index).flatMap((earlier) => earlier.captures.map((capture) => capture.name));
      for (const name of placeholders)
        if (example.query.includes(name)) expect({ name, provided: provided.includes(name) }).toEqual({ name, provided: true });
    });
  });

  it('answers every query and mutation with data, no errors and no userErrors', async () => {
    const subscriptions = examples.filter((example) => example.query.trimStart().startsWith('subscription'));
    const live = subscriptions.map((example) => subscribe(client, example.query));
    await waitFor(() => app.bus.listenerCount() === subscriptions.length, 'the README subscriptions');
    const pasted = new Map<string, string>();
    for (const { query, captures } of examples.filter((e) => !e.query.trimStart().startsWith('subscription'))) {
      const example = [...pasted].reduce((text, [name, value]) => text.replaceAll(name, value), query);
      const result = await app.graphql(example);
      expect({ example, errors: result.errors }).toEqual({ example, errors: undefined });
      expect({ example, userErrors: JSON.stringify(result.data).match(/"userErrors":\[[^\]]/g) }).toEqual({ example, userErrors: null });
      for (const { name, path } of captures) {
        const value = read(result.data, path);
        expect({ name, value }).toEqual({ name, value: expect.any(String) });
        pasted.set(name, String(value));
      }
    }
    // The README's updateSchedule fires the README's subscription.
    for (const subscription of live) {
      expect((await subscription.next()).data).toMatchObject({ scheduleUpdated: { schedule: { name: 'Maya Cohen — Strength training' } } });
      subscription.unsubscribe();
    }
  });
});
