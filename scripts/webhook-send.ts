/**
 * Signs a test Schedule webhook exactly as Wix sends it and POSTs it to a gateway.
 *
 *   npm run webhook:send -- --schedule-id <id> [--type updated|created|cancelled] [--name "New name"]
 *                           [--url http://127.0.0.1:4000/webhooks/wix] [--sequence N] [--event-id ID]
 *                           [--instance-id ID] [--private-key key.pem]
 *   npm run webhook:send -- --generate-key   # prints a key pair: the public half goes in WIX_WEBHOOK_PUBLIC_KEY
 *
 * Without --private-key it signs with the embedded emulator's development key, which a gateway in
 * emulator mode (`npm start` with no Wix credentials) trusts. Prints one JSON line with the answer.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_APP_ID, DEFAULT_INSTANCE_ID, DEMO_SCHEDULE_IDS } from '../src/emulator/demo-data.js';
import { DEV_WEBHOOK_PRIVATE_KEY_PEM } from '../src/emulator/dev-webhook-key.js';
import { createWebhookJwt, SCHEDULE_EVENT_TYPES } from '../src/emulator/webhooks.js';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? '4000'}/webhooks/wix` },
    type: { type: 'string', default: 'updated' },
    'schedule-id': { type: 'string', default: DEMO_SCHEDULE_IDS.mayaPersonalTraining },
    name: { type: 'string', default: `Renamed by webhook:send at ${new Date().toISOString()}` },
    status: { type: 'string' },
    // The time in ms then six digits, as the embedded emulator numbers its events: later events of
    // either source stay newer than earlier ones.
    sequence: { type: 'string', default: `${Date.now()}000000` },
    'event-id': { type: 'string', default: randomUUID() },
    'instance-id': { type: 'string', default: DEFAULT_INSTANCE_ID },
    'private-key': { type: 'string' },
    'generate-key': { type: 'boolean', default: false },
  },
});

function fail(message: string): never {
  console.error(JSON.stringify({ error: message }));
  process.exit(2);
}

if (values['generate-key']) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2_048 });
  process.stdout.write(
    `${privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()}${publicKey.export({ type: 'spki', format: 'pem' }).toString()}`,
  );
  process.exit(0);
}

const type = values.type as keyof typeof SCHEDULE_EVENT_TYPES;
if (!(type in SCHEDULE_EVENT_TYPES)) fail('--type is one of created, updated, cancelled');
if (!/^\d{1,19}$/.test(values.sequence)) fail('--sequence is a non-negative whole number');
const scheduleId = values['schedule-id'];
const now = new Date().toISOString();
const status = values.status ?? (type === 'cancelled' ? 'CANCELLED' : 'ACTIVE');
const schedule = { id: scheduleId, name: values.name, status, revision: values.sequence, updatedDate: now };
const body =
  type === 'created'
    ? { createdEvent: { entity: schedule } }
    : type === 'updated'
      ? { updatedEvent: { currentEntity: schedule } }
      : { actionEvent: { body: { schedule, preserveFutureEventsWithParticipants: false } } };

const privateKey = values['private-key'] ? readFileSync(values['private-key'], 'utf8') : DEV_WEBHOOK_PRIVATE_KEY_PEM;
const token = await createWebhookJwt({
  privateKey,
  appId: DEFAULT_APP_ID,
  instanceId: values['instance-id'],
  eventType: SCHEDULE_EVENT_TYPES[type],
  event: {
    id: values['event-id'],
    entityFqdn: 'wix.calendar.v3.schedule',
    slug: type,
    entityId: scheduleId,
    eventTime: now,
    triggeredByAnonymizeRequest: false,
    entityEventSequence: values.sequence,
    ...body,
  },
});

try {
  const response = await fetch(values.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: token });
  const answer = await response.text();
  console.log(
    JSON.stringify({
      url: values.url,
      eventId: values['event-id'],
      scheduleId,
      type,
      sequence: values.sequence,
      status: response.status,
      answer,
    }),
  );
  process.exit(response.ok ? 0 : 1);
} catch (error) {
  fail(`could not reach ${values.url}: ${error instanceof Error ? error.message : String(error)}`);
}
