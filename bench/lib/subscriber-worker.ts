/**
 * A share of the subscribers: raw `ws` sockets speaking graphql-transport-ws, kept cheap so the
 * clients are not what is measured. A message is not parsed: its event id is cut out of the text
 * and its arrival time kept (the first message of each socket is parsed once, to check its shape).
 */
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import WebSocket from 'ws';

export interface SubscriberJob {
  /** ws://…/graphql */
  url: string;
  query: string;
  /** One entry per socket: the variables of its subscription (null for none). */
  variables: (Record<string, unknown> | null)[];
  /** Sockets in their handshake at once. */
  concurrency: number;
}

export interface SubscriberProgress {
  kind: 'progress';
  opened: number;
  /** Sockets whose connection_init was acknowledged and subscribe sent. */
  subscribed: number;
  failed: number;
  closed: number;
  received: number;
  /** Messages that were not a well-formed `next` with a schedule. */
  invalid: number;
  firstProblem: string | undefined;
}

export interface SubscriberReceipts {
  kind: 'receipts';
  /** eventId → arrival times (ms, performance.timeOrigin + performance.now()). */
  receipts: Map<string, number[]>;
}

export type ToSubscriberWorker = { kind: 'collect' } | { kind: 'close' };

const job = workerData as SubscriberJob;
const port = parentPort;
if (!port) throw new Error('subscriber-worker runs as a worker thread');

const EVENT_ID = '"eventId":"';
const PROGRESS_EVERY_MS = 200;

const state: Omit<SubscriberProgress, 'kind'> = {
  opened: 0,
  subscribed: 0,
  failed: 0,
  closed: 0,
  received: 0,
  invalid: 0,
  firstProblem: undefined,
};
const sockets: WebSocket[] = [];
let receipts = new Map<string, number[]>();

function problem(text: string): void {
  state.invalid += 1;
  state.firstProblem ??= text.slice(0, 500);
}

function openOne(index: number): Promise<void> {
  return new Promise((resolve) => {
    const socket = new WebSocket(job.url, 'graphql-transport-ws', { perMessageDeflate: false });
    sockets.push(socket);
    let checked = false;
    let settled = false;
    const settle = () => {
      if (!settled) {
        settled = true;
        resolve();
      }
    };
    socket.on('open', () => {
      state.opened += 1;
      socket.send('{"type":"connection_init"}');
    });
    socket.on('message', (data: Buffer) => {
      const at = performance.timeOrigin + performance.now();
      const text = data.toString();
      const head = text.slice(0, 48);
      if (head.includes('"type":"next"')) {
        const start = text.indexOf(EVENT_ID);
        if (start < 0) return problem(text);
        const id = text.slice(start + EVENT_ID.length, text.indexOf('"', start + EVENT_ID.length));
        let times = receipts.get(id);
        if (!times) receipts.set(id, (times = []));
        times.push(at);
        state.received += 1;
        if (!checked) {
          checked = true;
          const message = JSON.parse(text) as {
            payload?: { errors?: unknown; data?: { scheduleUpdated?: { schedule?: { id?: unknown } } } };
          };
          if (message.payload?.errors || typeof message.payload?.data?.scheduleUpdated?.schedule?.id !== 'string') problem(text);
        }
      } else if (head.includes('"type":"connection_ack"')) {
        const variables = job.variables[index];
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: job.query, ...(variables ? { variables } : {}) } }));
        state.subscribed += 1;
        settle();
      } else if (head.includes('"type":"ping"')) {
        socket.send('{"type":"pong"}');
      } else problem(text);
    });
    socket.on('error', (error) => {
      state.failed += 1;
      state.firstProblem ??= `socket error: ${error.message}`;
      settle();
    });
    socket.on('close', () => {
      state.closed += 1;
      settle();
    });
  });
}

async function openAll(): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < job.variables.length) {
      const index = next;
      next += 1;
      await openOne(index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, job.concurrency) }, lane));
}

const report = () => port.postMessage({ kind: 'progress', ...state } satisfies SubscriberProgress);
const ticker = setInterval(report, PROGRESS_EVERY_MS);

port.on('message', (message: ToSubscriberWorker) => {
  if (message.kind === 'collect') {
    report();
    port.postMessage({ kind: 'receipts', receipts } satisfies SubscriberReceipts);
    receipts = new Map();
  } else {
    clearInterval(ticker);
    for (const socket of sockets) socket.terminate();
    report();
    port.close();
  }
});

void openAll().then(report);
