import { createClient as createSseClient, NetworkError } from 'graphql-sse';
import { connect, resultCollector, subscribe, type Subscription } from './ws-client.js';

/** The three ways a client subscribes: graphql-ws, GraphQL over SSE (graphql-sse's client), Apollo's multipart HTTP. */
export type StreamTransport = 'ws' | 'sse' | 'multipart';
export const STREAM_TRANSPORTS: readonly StreamTransport[] = ['ws', 'sse', 'multipart'];

type Result = Awaited<ReturnType<Subscription['next']>>;

/** What a subscription over any transport gives a test: results in order, the end, and how to stop. */
export interface StreamSubscription extends Subscription {
  /** The HTTP status of the response (SSE and multipart), once known. */
  status?: number;
}

/**
 * Subscribes over `transport` as a client of that transport does: graphql-ws's client, graphql-sse's
 * client (distinct connections), or a multipart reader following Apollo's protocol. Errors refused
 * before a stream starts (an HTTP 4xx with a GraphQL body) arrive as one result with `errors`.
 */
export function subscribeOver(
  transport: StreamTransport,
  gatewayUrl: string,
  query: string,
  variables?: Record<string, unknown>,
  authorization?: string,
): StreamSubscription {
  if (transport === 'ws') {
    const client = connect(`${gatewayUrl.replace('http', 'ws')}/graphql`, authorization ? { connectionParams: { authorization } } : {});
    const subscription = subscribe(client, query, variables);
    return {
      ...subscription,
      unsubscribe: () => {
        subscription.unsubscribe();
        void client.dispose();
      },
    };
  }
  const { deliver, end, subscription: collected } = resultCollector();
  const { next, ended, received } = collected;
  const headers: Record<string, string> = authorization ? { authorization } : {};
  const result: StreamSubscription = { next, ended, received, unsubscribe: () => {} };
  if (transport === 'sse') {
    const client = createSseClient({
      url: `${gatewayUrl}/graphql/stream`,
      headers,
      retryAttempts: 0,
      fetchFn: async (input: string | URL | Request, init?: RequestInit) => {
        const response = await fetch(input, init);
        result.status = response.status;
        return response;
      },
    });
    const stop = client.subscribe<Record<string, unknown>>(
      { query, ...(variables ? { variables } : {}) },
      {
        next: (value) => deliver(value),
        error: (error) => {
          void (async () => {
            const response = error instanceof NetworkError ? (error.response as Response | undefined) : undefined;
            if (response) {
              try {
                deliver((await response.json()) as Result);
              } catch {
                // not a GraphQL body: nothing to deliver
              }
            }
            end(error);
          })();
        },
        complete: () => end(undefined),
      },
    );
    result.unsubscribe = () => {
      stop();
      client.dispose();
    };
    return result;
  }
  const controller = new AbortController();
  result.unsubscribe = () => controller.abort();
  void (async () => {
    try {
      const response = await fetch(`${gatewayUrl}/graphql`, {
        method: 'POST',
        signal: controller.signal,
        headers: {
          ...headers,
          'content-type': 'application/json',
          accept: 'multipart/mixed;boundary=graphql;subscriptionSpec=1.0,application/json',
        },
        body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
      });
      result.status = response.status;
      if (!(response.headers.get('content-type') ?? '').startsWith('multipart/mixed')) {
        deliver((await response.json()) as Result);
        end(undefined);
        return;
      }
      const decoder = new TextDecoder();
      let buffer = '';
      const boundary = '\r\n--graphql';
      // As Apollo Client reads it: a part is complete at the next delimiter; `--` after one closes the body.
      let delimited = false;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        if (delimited && buffer.startsWith('--')) {
          end(undefined);
          return;
        }
        let at = buffer.indexOf(boundary);
        while (at > -1) {
          const part = buffer.slice(0, at);
          buffer = buffer.slice(at + boundary.length);
          delimited = true;
          const bodyAt = part.indexOf('\r\n\r\n');
          if (bodyAt > -1) {
            const message = JSON.parse(part.slice(bodyAt + 4)) as { payload?: Result | null; errors?: Result['errors'] };
            if ('payload' in message) deliver(message.payload ?? { errors: message.errors ?? [] });
          }
          if (buffer.startsWith('--')) {
            end(undefined);
            return;
          }
          at = buffer.indexOf(boundary);
        }
      }
      end(new Error('the multipart body ended without its closing boundary'));
    } catch (error) {
      end(error);
    }
  })();
  return result;
}
