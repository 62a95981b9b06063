import { mkdirSync } from 'node:fs';
import type { BrowserContext, Locator, Page, WebSocketRoute } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { DEMO_CONNECTION_IDS, DEMO_SCHEDULE_IDS } from '../../src/emulator/index.js';
import { exactly, offlineContext, watchProblems } from '../helpers/browser.js';
import { appForFile, browserForFile } from '../helpers/suite.js';

/** The acceptance: a rename in one page shows up in the other within a second. */
const LIVE_WITHIN_MS = 1_000;
const SCREENSHOT = 'test-artifacts/demo.png';

const app = appForFile();
const { chromium, contexts } = browserForFile();

interface DemoPage {
  page: Page;
  problems: string[];
  blocked: string[];
  context: BrowserContext;
}

/** /demo in a fresh, offline browser context, once it shows the schedules and is live. */
async function openDemo(options: { beforeLoad?: (context: BrowserContext) => Promise<void> } = {}): Promise<DemoPage> {
  const { context, blocked } = await offlineContext(await chromium.get(), app.gateway.url);
  contexts.push(context);
  await options.beforeLoad?.(context);
  const page = await context.newPage();
  const problems = watchProblems(page);
  await page.goto(`${app.gateway.url}/demo`);
  await page.locator('#live-status[data-state="live"]').waitFor();
  await page.locator(`[data-schedule-id="${DEMO_SCHEDULE_IDS.mayaPersonalTraining}"]`).waitFor();
  return { page, problems, blocked, context };
}

/**
 * Waits until every page receives live events. The server attaches a subscription some time after
 * the page sends it, so: change the business schedule's capacity (its card shows only the
 * revision) until every page shows the new revision.
 */
async function untilLive(pages: Page[]): Promise<void> {
  const id = DEMO_SCHEDULE_IDS.business;
  for (let attempt = 1; attempt <= 20; attempt += 1) {
    const revision = await updateSchedule(id, { defaultCapacity: attempt });
    const shown = await Promise.all(
      pages.map((page) =>
        card(page, id)
          .locator('.revision', { hasText: exactly(revision) })
          .waitFor({ timeout: 500 })
          .then(
            () => true,
            () => false,
          ),
      ),
    );
    if (shown.every(Boolean)) return;
  }
  throw new Error('the pages never received a live event');
}

const card = (page: Page, scheduleId: string) => page.locator(`[data-schedule-id="${scheduleId}"]`);
const row = (page: Page, connectionId: string) => page.locator(`[data-connection-id="${connectionId}"]`);

/** Opens the rename form of a schedule and types the new name; answers the Save button. */
async function startRename(page: Page, scheduleId: string, name: string): Promise<Locator> {
  const schedule = card(page, scheduleId);
  await schedule.getByRole('button', { name: /^Rename/ }).click();
  await schedule.locator('input[name="name"]').fill(name);
  return schedule.getByRole('button', { name: 'Save' });
}

describe('the live demo page at /demo', { timeout: 60_000 }, () => {
  it('shows a rename made in one page in the other within a second', async () => {
    const first = await openDemo();
    const second = await openDemo();
    await untilLive([first.page, second.page]);
    const id = DEMO_SCHEDULE_IDS.mayaPersonalTraining;
    const name = 'Maya Cohen — Strength & conditioning';

    const save = await startRename(first.page, id, name);
    // From the click on Save: HTTP mutation, Wix webhook, event bus, WebSocket, DOM of the other page.
    await Promise.all([
      save.click(),
      card(second.page, id)
        .locator('.schedule-name', { hasText: exactly(name) })
        .waitFor({ timeout: LIVE_WITHIN_MS }),
    ]);

    await card(first.page, id)
      .locator('.schedule-name', { hasText: exactly(name) })
      .waitFor();
    await expect(card(first.page, id).locator('.rename-form').isHidden()).resolves.toBe(true);
    await second.page.locator('#event-list .event-scheduleUpdated', { hasText: name }).waitFor();
    await card(second.page, id).locator('.live-tag').waitFor();
    expect(await card(second.page, id).locator('.revision').textContent()).toBe(
      await card(first.page, id).locator('.revision').textContent(),
    );

    mkdirSync('test-artifacts', { recursive: true });
    await second.page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect([...first.problems, ...second.problems]).toEqual([]);
    expect([...first.blocked, ...second.blocked]).toEqual([]);
  });

  it('changes where a connection exports, and shows the provider refusing a target', async () => {
    const { page, problems, blocked } = await openDemo();
    const google = row(page, DEMO_CONNECTION_IDS.mayaGoogle);

    // Google exports to a dedicated calendar only: the primary calendar is a user error.
    await google.locator('[data-target="primaryCalendar"]').click();
    const refusal = google.locator('.user-error[data-code="NOT_SUPPORTED_BY_PROVIDER"]');
    await refusal.waitFor();
    expect(await refusal.textContent()).toContain('Not supported by this calendar provider');
    expect(await google.locator('[data-target="dedicatedCalendar"]').getAttribute('aria-pressed')).toBe('true');

    // Turning the export off (same target) is allowed.
    await google.getByRole('switch').uncheck();
    await google.locator('.saved', { hasText: 'export off' }).waitFor();
    expect(await google.getByRole('switch').isChecked()).toBe(false);
    const stored = await app.graphql<{
      connection: { syncConfig: { syncToCalendar: { enabled: boolean; target: { __typename: string } } } };
    }>('query($id: ID!) { connection(id: $id) { syncConfig { syncToCalendar { enabled target { __typename } } } } }', {
      id: DEMO_CONNECTION_IDS.mayaGoogle,
    });
    expect(stored.data?.connection.syncConfig.syncToCalendar).toEqual({ enabled: false, target: { __typename: 'DedicatedCalendar' } });

    // Microsoft cannot change sync settings at all.
    const microsoft = row(page, DEMO_CONNECTION_IDS.liamMicrosoft);
    await microsoft.locator('[data-target="dedicatedCalendar"]').click();
    await microsoft.locator('.user-error[data-code="NOT_SUPPORTED_BY_PROVIDER"]').waitFor();

    expect(problems).toEqual([]);
    expect(blocked).toEqual([]);
  });

  it('resubscribes with its last cursor after the connection drops, and gets the change it missed', async () => {
    const sent: Array<{ type: string; payload?: { query?: string; variables?: Record<string, unknown> } }> = [];
    const sockets: WebSocketRoute[] = [];
    let online = true;
    const { page, problems } = await openDemo({
      beforeLoad: (context) =>
        context.routeWebSocket(/\/graphql$/, (socket) => {
          if (!online) {
            // The page sees the close at once; the route's own promise is of no interest here.
            void socket.close({ code: 1001, reason: 'offline' });
            return;
          }
          const server = socket.connectToServer();
          socket.onMessage((message) => {
            sent.push(JSON.parse(String(message)) as (typeof sent)[number]);
            server.send(message);
          });
          // Closing the page's side closes the gateway's side too.
          socket.onClose((code, reason) => server.close({ code, reason }));
          sockets.push(socket);
        }),
    });
    await untilLive([page]);
    const id = DEMO_SCHEDULE_IDS.liamPhysiotherapy;

    // A first change, seen live: the page now holds a cursor.
    await updateSchedule(id, { name: 'Liam Park — Sports physiotherapy' });
    await card(page, id)
      .locator('.schedule-name', { hasText: exactly('Liam Park — Sports physiotherapy') })
      .waitFor();
    const cursor = await page.locator('#last-cursor').textContent();
    expect(cursor).toMatch(/^[\w-]+$/);

    // The connection drops; a change happens while the page is away.
    online = false;
    expect(sockets).toHaveLength(1);
    await sockets[0]?.close({ code: 1001, reason: 'network down' });
    await page.locator('#live-status[data-state="reconnecting"]').waitFor();
    await updateSchedule(id, { name: 'Liam Park — Physio & rehab' });
    await app.emulator?.webhooks.flush();
    online = true;

    // Back online: the page resubscribes after its cursor and the gateway replays the change.
    await page.locator('#live-status[data-state="live"]').waitFor({ timeout: 15_000 });
    await page.locator('#event-list .event-scheduleUpdated', { hasText: 'Liam Park — Physio & rehab' }).waitFor();
    await card(page, id)
      .locator('.schedule-name', { hasText: exactly('Liam Park — Physio & rehab') })
      .waitFor();
    const resubscriptions = sent.filter((message) => message.type === 'subscribe' && message.payload?.query?.includes('scheduleUpdated('));
    expect(resubscriptions.map((message) => message.payload?.variables?.since)).toEqual([undefined, cursor]);
    expect(problems).toEqual([]);
  });
});

/** updateSchedule through the gateway, as another client would; answers the new revision. */
async function updateSchedule(id: string, changes: Record<string, unknown>): Promise<string> {
  const read = await app.graphql<{ schedule: { revision: string } }>('query($id: ID!) { schedule(id: $id) { revision } }', { id });
  const result = await app.graphql<{ updateSchedule: { schedule: { revision: string } | null; userErrors: unknown[] } }>(
    'mutation($s: UpdateScheduleInput!) { updateSchedule(schedule: $s) { schedule { revision } userErrors { code } } }',
    { s: { id, revision: read.data?.schedule.revision, ...changes } },
  );
  expect(result.data?.updateSchedule.userErrors).toEqual([]);
  return result.data?.updateSchedule.schedule?.revision ?? '';
}
