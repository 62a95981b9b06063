/** Signs webhook JWTs for the runner (RSA signing costs about 1 ms each: spread over threads). */
import { createPrivateKey } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { DEFAULT_APP_ID, DEFAULT_INSTANCE_ID } from '../../src/emulator/demo-data.js';
import { createWebhookJwt } from '../../src/emulator/webhooks.js';
import { DEV_WEBHOOK_PRIVATE_KEY_PEM } from '../../src/emulator/dev-webhook-key.js';

export interface SignJob {
  eventType: string;
  events: object[];
}

const job = workerData as SignJob;
const privateKey = createPrivateKey(DEV_WEBHOOK_PRIVATE_KEY_PEM);
const tokens: string[] = [];
for (const event of job.events) {
  tokens.push(
    await createWebhookJwt({ privateKey, appId: DEFAULT_APP_ID, instanceId: DEFAULT_INSTANCE_ID, eventType: job.eventType, event }),
  );
}
parentPort?.postMessage(tokens);
