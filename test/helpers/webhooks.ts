import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';
import { wixSchedule } from './fixtures.js';

export const TEST_INSTANCE_ID = 'a1b2c3d4-0000-4000-8000-000000000001';

export interface TestKeys {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicPem: string;
}

export function testKeys(): Promise<TestKeys> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2_048 });
  return Promise.resolve({ privateKey, publicKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() });
}

export interface EventOptions {
  type?: 'created' | 'updated' | 'cancelled';
  scheduleId?: string;
  sequence?: string | number;
  eventId?: string;
  instanceId?: string;
  schedule?: Record<string, unknown>;
}

/** The innermost domain event and the middle envelope of a schedule webhook, as Wix sends them. */
export function scheduleEnvelope(options: EventOptions = {}) {
  const type = options.type ?? 'updated';
  const scheduleId = options.scheduleId ?? 'sched-1';
  const sequence = String(options.sequence ?? 1);
  const schedule = options.schedule ?? wixSchedule(scheduleId, { revision: sequence, name: `Name at ${sequence}` });
  const body =
    type === 'created'
      ? { createdEvent: { entity: schedule } }
      : type === 'updated'
        ? { updatedEvent: { currentEntity: schedule } }
        : { actionEvent: { body: { schedule, preserveFutureEventsWithParticipants: false } } };
  const inner = {
    id: options.eventId ?? randomUUID(),
    entityFqdn: 'wix.calendar.v3.schedule',
    slug: type,
    entityId: scheduleId,
    eventTime: '2026-11-22T00:37:26.154Z',
    triggeredByAnonymizeRequest: false,
    entityEventSequence: sequence,
    ...body,
  };
  return {
    instanceId: options.instanceId ?? TEST_INSTANCE_ID,
    eventType: `wix.calendar.v3.schedule_${type}`,
    identity: JSON.stringify({ identityType: 'APP', appId: 'app-1' }),
    data: JSON.stringify(inner),
  };
}

/** A webhook body: the RS256 JWT whose `data` is the stringified envelope. */
export async function signedWebhook(key: KeyObject, envelope: object, claims: { exp?: number; nbf?: number } = {}): Promise<string> {
  let jwt = new SignJWT({ data: JSON.stringify(envelope) }).setProtectedHeader({ alg: 'RS256' }).setIssuedAt();
  if (claims.exp !== undefined) jwt = jwt.setExpirationTime(claims.exp);
  if (claims.nbf !== undefined) jwt = jwt.setNotBefore(claims.nbf);
  return jwt.sign(key);
}

export async function postWebhook(baseUrl: string, body: string | Uint8Array, contentType = 'text/plain') {
  const response = await fetch(`${baseUrl}/webhooks/wix`, { method: 'POST', headers: { 'content-type': contentType }, body });
  return { status: response.status, body: (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined };
}
