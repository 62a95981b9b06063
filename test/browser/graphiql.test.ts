import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_SCHEDULE_IDS } from '../../src/emulator/index.js';
import { offlineContext, watchProblems } from '../helpers/browser.js';
import { appForFile, browserForFile } from '../helpers/suite.js';

const app = appForFile();
const { chromium, contexts } = browserForFile();

/** /graphiql on an operation, in a browser that can reach the gateway and nothing else. */
async function openGraphiQL(query: string): Promise<{ page: Page; problems: string[]; blocked: string[] }> {
  const { context, blocked } = await offlineContext(await chromium.get(), app.gateway.url);
  contexts.push(context);
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${app.gateway.url}/graphiql?${new URLSearchParams({ query }).toString()}`);
  await page.locator('.graphiql-container').waitFor();
  // The schema is loaded (introspection over HTTP) once the documentation explorer can open.
  await page.locator('.graphiql-execute-button').waitFor();
  return { page, problems, blocked };
}

const run = (page: Page) => page.locator('.graphiql-execute-button').click();
const result = (page: Page) => page.locator('.graphiql-response');

describe('GraphiQL at /graphiql, offline', { timeout: 60_000 }, () => {
  it('loads from the gateway alone, runs a query and shows the result', async () => {
    const { page, problems, blocked } = await openGraphiQL(`query OneSchedule {
  schedule(id: "${DEMO_SCHEDULE_IDS.business}") { id name timeZone }
}`);
    await run(page);
    await result(page).getByText('Harbor Studio — Business hours').waitFor();
    await result(page).getByText('America/New_York').waitFor();

    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/graphiql.png' });
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('runs a subscription over graphql-ws and shows an event as it arrives', async () => {
    const id = DEMO_SCHEDULE_IDS.sofiaYogaCoaching;
    const { page, problems, blocked } = await openGraphiQL(`subscription SofiaLive {
  scheduleUpdated(scheduleIds: ["${id}"]) { cursor schedule { id name revision } }
}`);
    await run(page);
    // The server attaches the subscription a moment after GraphiQL sends it: rename until an event shows.
    for (let attempt = 1; attempt <= 20; attempt += 1) {
      const name = `Sofia Rossi — Vinyasa coaching ${attempt}`;
      await rename(id, name);
      const shown = await result(page)
        .getByText(name)
        .waitFor({ timeout: 500 })
        .then(
          () => true,
          () => false,
        );
      if (shown) break;
      if (attempt === 20) throw new Error('GraphiQL never showed a subscription event');
    }
    expect(await result(page).textContent()).toContain('"cursor"');
    expect(blocked).toEqual([]);
    expect(problems).toEqual([]);
  });
});

describe('the Apollo Sandbox page, offline', { timeout: 60_000 }, () => {
  it('cannot load Sandbox from the CDN, says so, and its link leads to GraphiQL', async () => {
    const { context, blocked } = await offlineContext(await chromium.get(), app.gateway.url);
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${app.gateway.url}/graphql`);
    await page.getByText('Apollo Sandbox cannot be loaded').waitFor();
    expect(blocked.some((url) => url.startsWith('https://embeddable-sandbox.cdn.apollographql.com/'))).toBe(true);
    await page.locator('#offline-graphiql').getByRole('link', { name: 'GraphiQL' }).click();
    await page.waitForURL(`${app.gateway.url}/graphiql`);
    await page.locator('.graphiql-execute-button').waitFor();
  });
});

async function rename(id: string, name: string): Promise<void> {
  const read = await app.graphql<{ schedule: { revision: string } }>('query($id: ID!) { schedule(id: $id) { revision } }', { id });
  const updated = await app.graphql<{ updateSchedule: { userErrors: unknown[] } }>(
    'mutation($s: UpdateScheduleInput!) { updateSchedule(schedule: $s) { userErrors { code } } }',
    { s: { id, revision: read.data?.schedule.revision, name } },
  );
  expect(updated.data?.updateSchedule.userErrors).toEqual([]);
}
