import type { Client } from 'graphql-ws';
import type { GraphQLResult, TestGateway } from './gateway.js';
import { connect, subscribe } from './ws-client.js';

/** The two ways a client runs an operation: POST /graphql, or graphql-ws on the same path. */
export type Transport = 'http' | 'ws';
export const TRANSPORTS: readonly Transport[] = ['http', 'ws'];

type Result = Omit<GraphQLResult, 'status'>;

/** Runs operations over one transport; over WebSocket they share one socket until `close`. */
export interface Runner {
  run(query: string, variables?: Record<string, unknown>): Promise<Result>;
  close(): Promise<void>;
}

export function runner(transport: Transport, gateway: TestGateway, authorization?: string): Runner {
  if (transport === 'http') {
    return {
      run: async (query, variables) => {
        const { status: _status, ...body } = await gateway.graphql(query, variables, authorization ? { authorization } : {});
        return body;
      },
      close: async () => {},
    };
  }
  let client: Client | undefined;
  return {
    run: async (query, variables) => {
      client ??= connect(gateway.wsUrl, authorization ? { connectionParams: { authorization } } : {});
      return (await subscribe(client, query, variables).next()) as Result;
    },
    close: async () => {
      await client?.dispose();
    },
  };
}

/** One operation over `transport`, on its own socket when over WebSocket. */
export async function runOnce(transport: Transport, gateway: TestGateway, query: string, variables?: Record<string, unknown>) {
  const once = runner(transport, gateway);
  try {
    return await once.run(query, variables);
  } finally {
    await once.close();
  }
}
