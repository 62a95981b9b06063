/**
 * A typed client of the gateway in a few lines: queries and mutations over HTTP, subscriptions
 * over graphql-ws, with results and variables typed by the documents generated from
 * client/operations/*.graphql. In a browser, leave out `webSocketImpl` (browsers have WebSocket).
 *
 * Against a running gateway (`npm start`):
 *   node --import tsx client/example.ts [http://127.0.0.1:4000]
 * With caller authentication on, put a token with the write role in GATEWAY_TOKEN.
 */
import { pathToFileURL } from 'node:url';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print, type GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import {
  RenameScheduleDocument,
  ScheduleUpdatedDocument,
  SchedulesDocument,
  type ScheduleUpdatedSubscription,
} from './__generated__/graphql.js';

type Variables = Record<string, unknown>;

export interface Gateway {
  /** Base URL, e.g. http://127.0.0.1:4000 */
  url: string;
  authorization: string | undefined;
  /** One WebSocket for every subscription. */
  ws: Client;
}

export function connectGateway(url: string, token?: string): Gateway {
  const authorization = token ? `Bearer ${token}` : undefined;
  const ws = createClient({
    url: new URL('/graphql', url).href.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: authorization ? { authorization } : {},
  });
  return { url, authorization, ws };
}

/** A query or mutation over HTTP. GraphQL errors throw; `userErrors` are data: check them. */
export async function request<TData, TVariables extends Variables>(
  gateway: Gateway,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
): Promise<TData> {
  const response = await fetch(new URL('/graphql', gateway.url), {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(gateway.authorization ? { authorization: gateway.authorization } : {}) },
    body: JSON.stringify({ query: print(document), variables }),
  });
  const body = (await response.json()) as { data?: TData; errors?: GraphQLFormattedError[] };
  if (body.errors?.length || !body.data) throw new Error(body.errors?.[0]?.message ?? `HTTP ${response.status}`);
  return body.data;
}

/** A subscription over graphql-ws; answers the function that ends it. */
export function subscribe<TData, TVariables extends Variables>(
  gateway: Gateway,
  document: TypedDocumentNode<TData, TVariables>,
  variables: TVariables,
  sink: { next: (data: TData) => void; error: (error: unknown) => void },
): () => void {
  return gateway.ws.subscribe<TData>(
    { query: print(document), variables },
    {
      next: (result) => (result.errors?.length ? sink.error(result.errors) : result.data && sink.next(result.data)),
      error: sink.error,
      complete: () => undefined,
    },
  );
}

type ScheduleChange = ScheduleUpdatedSubscription['scheduleUpdated'];

/**
 * Follows the changes of some schedules and misses none, however the socket drops:
 *
 * - `variables` is a getter, so graphql-ws's every retry subscribes again with `since` = the last
 *   cursor seen, and the gateway replays what happened meanwhile (no gap, no duplicate);
 * - when the gateway no longer holds that cursor (`CURSOR_EXPIRED`: it restarted on the in-memory
 *   bus, or the client was away longer than the log keeps), `resync` reads the current state again,
 *   then the subscription starts afresh without `since`.
 *
 * `since` is where to start (a cursor kept from before), if anywhere. Answers the function that stops.
 */
export function followSchedules(
  gateway: Gateway,
  scheduleIds: string[],
  handlers: { change: (change: ScheduleChange) => void; resync: () => Promise<void>; error: (error: unknown) => void },
  since?: string,
): () => void {
  let cursor = since;
  let stop = () => {};
  let stopped = false;
  const failed = (error: unknown) => {
    if (stopped) return;
    const errors = Array.isArray(error) ? (error as GraphQLFormattedError[]) : [];
    if (!errors.some((e) => e.extensions?.code === 'CURSOR_EXPIRED')) {
      handlers.error(error);
      return;
    }
    // The gateway cannot replay from there: read the state again, then follow from now on.
    stop();
    cursor = undefined;
    handlers.resync().then(() => {
      if (!stopped) start();
    }, handlers.error);
  };
  const start = () => {
    stop = gateway.ws.subscribe<ScheduleUpdatedSubscription>(
      {
        query: print(ScheduleUpdatedDocument),
        // Read at every (re)subscription: after a reconnect it carries the last cursor seen.
        get variables() {
          return { scheduleIds, since: cursor ?? null };
        },
      },
      {
        next: (result) => {
          // A subscription refused at its start (an expired cursor among others) comes as a result with errors.
          if (result.errors?.length) failed(result.errors);
          else if (result.data) {
            cursor = result.data.scheduleUpdated.cursor;
            handlers.change(result.data.scheduleUpdated);
          }
        },
        error: failed,
        complete: () => undefined,
      },
    );
  };
  start();
  return () => {
    stopped = true;
    stop();
  };
}

/** Renames the first active schedule and prints the live event that follows. */
async function main(url: string): Promise<void> {
  const gateway = connectGateway(url, process.env.GATEWAY_TOKEN);
  const { schedules } = await request(gateway, SchedulesDocument, {});
  const schedule = schedules.edges.map((edge) => edge.node).find((node) => node.status === 'ACTIVE');
  if (!schedule?.revision) throw new Error('no active schedule to rename');

  const connected = new Promise<void>((resolve) => gateway.ws.on('connected', () => resolve()));
  const event = new Promise<ScheduleUpdatedSubscription['scheduleUpdated']>((resolve, reject) => {
    // Keep each event's `cursor`: subscribe again with `since: cursor` after a reconnect to miss nothing.
    const stop = subscribe(
      gateway,
      ScheduleUpdatedDocument,
      { scheduleIds: [schedule.id] },
      {
        next: (data) => {
          stop();
          resolve(data.scheduleUpdated);
        },
        error: reject,
      },
    );
  });
  // A subscription sees the changes made after it started: rename once the socket is up.
  await connected;

  const name = schedule.name?.endsWith(' ✓') ? schedule.name.slice(0, -2) : `${schedule.name ?? 'Schedule'} ✓`;
  const { updateSchedule } = await request(gateway, RenameScheduleDocument, { id: schedule.id, revision: schedule.revision, name });
  if (updateSchedule.userErrors.length > 0) {
    throw new Error(updateSchedule.userErrors.map((error) => `${error.code}: ${error.message}`).join('\n'));
  }
  console.log(`renamed to “${updateSchedule.schedule?.name}”, revision ${updateSchedule.schedule?.revision}`);

  const live = await event;
  console.log(`scheduleUpdated: “${live.schedule.name}”, revision ${live.schedule.revision}, cursor ${live.cursor}`);
  await gateway.ws.dispose();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv[2] ?? 'http://127.0.0.1:4000');
}
