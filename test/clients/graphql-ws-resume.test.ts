import { describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { connectGateway, followSchedules } from '../../client/example.js';
import { encodeCursor } from '../../src/bus/cursor.js';
import { DEMO_SCHEDULE_IDS } from '../../src/emulator/index.js';
import { appForFile } from '../helpers/suite.js';
import { waitFor } from '../helpers/ws-client.js';
import { RENAME_MUTATION, SCHEDULE_QUERY, type RenameData, type ScheduleData } from './documents.js';

/**
 * The client example's resume (client/example.ts `followSchedules`, the README's snippet): graphql-ws
 * retries a dropped socket, and the `variables` getter makes each retry subscribe with the last
 * cursor seen; a CURSOR_EXPIRED is recovered by reading again and following from now on.
 */

describe('graphql-ws resume, as the client example does it', { timeout: 30_000 }, () => {
  const app = appForFile();
  const rename = async (id: string, name: string) => {
    const read = await app.graphql<ScheduleData>(SCHEDULE_QUERY, { id });
    const result = await app.graphql<RenameData>(RENAME_MUTATION, { id, revision: read.data?.schedule.revision, name });
    expect(result.data?.updateSchedule.userErrors).toEqual([]);
  };

  it('gets every event once, in order, across a socket dropped while events flow', async () => {
    const id = DEMO_SCHEDULE_IDS.mayaPersonalTraining;
    const gateway = connectGateway(app.gateway.url);
    const sockets: WebSocket[] = [];
    gateway.ws.on('connected', (socket) => sockets.push(socket as WebSocket));
    const names: string[] = [];
    const eventIds: string[] = [];
    const stop = followSchedules(gateway, [id], {
      change: (change) => {
        names.push(change.schedule.name ?? '');
        eventIds.push(change.eventId);
      },
      resync: () => Promise.reject(new Error('no resync expected')),
      error: (error) => {
        throw error;
      },
    });
    try {
      await waitFor(() => app.bus.listenerCount() === 1, 'the subscription');
      await rename(id, 'Drop 1');
      await rename(id, 'Drop 2');
      await waitFor(() => names.length === 2, 'the first events');
      // The network drops the socket: no close handshake.
      sockets[0]?.terminate();
      await waitFor(() => app.bus.listenerCount() === 0, 'the server to see the socket go');
      for (const name of ['Drop 3', 'Drop 4', 'Drop 5']) await rename(id, name);
      await waitFor(() => names.length === 5, 'the events of the gap, after the reconnect', 15_000);
      await rename(id, 'Drop 6');
      await waitFor(() => names.length === 6, 'the live event after the reconnect');
      expect(sockets).toHaveLength(2);
      expect(names).toEqual(['Drop 1', 'Drop 2', 'Drop 3', 'Drop 4', 'Drop 5', 'Drop 6']);
      expect(new Set(eventIds).size).toBe(6);
    } finally {
      stop();
      await gateway.ws.dispose();
    }
  });

  it('on CURSOR_EXPIRED reads again, then follows without `since`', async () => {
    const id = DEMO_SCHEDULE_IDS.business;
    const gateway = connectGateway(app.gateway.url);
    const names: string[] = [];
    let resyncs = 0;
    // A cursor of another log: what every cursor becomes after a restart on the in-memory bus.
    const expired = encodeCursor({ kind: 'm', logId: 'before-the-restart', position: '42' });
    const stop = followSchedules(
      gateway,
      [id],
      {
        change: (change) => names.push(change.schedule.name ?? ''),
        resync: async () => {
          resyncs += 1;
          await app.graphql(SCHEDULE_QUERY, { id });
        },
        error: (error) => {
          throw error;
        },
      },
      expired,
    );
    try {
      await waitFor(() => resyncs === 1 && app.bus.listenerCount() === 1, 'the resync and the new subscription');
      await rename(id, 'After the restart');
      await waitFor(() => names.length === 1, 'the live event');
      expect(names).toEqual(['After the restart']);
    } finally {
      stop();
      await gateway.ws.dispose();
    }
  });
});
