/**
 * Wix webhooks as they travel (docs/wix-contract.md §3): the inner domain event, the middle envelope and
 * the RS256 JWT around them. Shared by the emulator and by the `webhook:send` CLI.
 */
import { createPublicKey, randomUUID } from 'node:crypto';
import { SignJWT, exportPKCS8, exportSPKI, generateKeyPair, importPKCS8, type CryptoKey, type KeyObject } from 'jose';
import type { Schedule } from './model.js';

export const SCHEDULE_ENTITY_FQDN = 'wix.calendar.v3.schedule';

export const SCHEDULE_EVENT_TYPES = {
  created: 'wix.calendar.v3.schedule_created',
  updated: 'wix.calendar.v3.schedule_updated',
  /** UNCONFIRMED slug and body (docs/wix-contract.md §2.4): modelled on events-v3 "Event Cancelled". */
  cancelled: 'wix.calendar.v3.schedule_cancelled',
} as const;

export type ScheduleEventType = (typeof SCHEDULE_EVENT_TYPES)[keyof typeof SCHEDULE_EVENT_TYPES];

interface DomainEventBase {
  /** Unique per event; the consumer's de-dupe key. */
  id: string;
  entityFqdn: string;
  slug: string;
  entityId: string;
  eventTime: string;
  triggeredByAnonymizeRequest: boolean;
  /** int64 as a string, strictly increasing per entity. */
  entityEventSequence: string;
  originatedFrom?: string;
}

export type ScheduleDomainEvent = DomainEventBase &
  (
    | { createdEvent: { entity: Schedule } }
    | { updatedEvent: { currentEntity: Schedule } }
    | { actionEvent: { body: { schedule: Schedule; preserveFutureEventsWithParticipants: boolean } } }
  );

/** The domain events one schedule change produces, with the event type each is sent under. */
export interface OutgoingEvent {
  eventType: ScheduleEventType;
  event: ScheduleDomainEvent;
}

function base(slug: string, schedule: Schedule, sequence: string, now: Date): DomainEventBase {
  return {
    id: randomUUID(),
    entityFqdn: SCHEDULE_ENTITY_FQDN,
    slug,
    entityId: schedule.id,
    eventTime: now.toISOString(),
    triggeredByAnonymizeRequest: false,
    entityEventSequence: sequence,
  };
}

export function scheduleCreatedEvent(schedule: Schedule, sequence: string, now = new Date()): OutgoingEvent {
  return {
    eventType: SCHEDULE_EVENT_TYPES.created,
    event: { ...base('created', schedule, sequence, now), createdEvent: { entity: schedule } },
  };
}

export function scheduleUpdatedEvent(schedule: Schedule, sequence: string, now = new Date()): OutgoingEvent {
  return {
    eventType: SCHEDULE_EVENT_TYPES.updated,
    event: { ...base('updated', schedule, sequence, now), updatedEvent: { currentEntity: schedule } },
  };
}

/**
 * Cancelling sends Schedule Updated (with the CANCELLED entity) and Schedule Cancelled, both with
 * the same sequence. Whether Wix sends both is UNCONFIRMED (docs/wix-contract.md §2.4); events-v3 does.
 */
export function scheduleCancelledEvents(
  schedule: Schedule,
  sequence: string,
  preserveFutureEventsWithParticipants: boolean,
  now = new Date(),
): OutgoingEvent[] {
  return [
    scheduleUpdatedEvent(schedule, sequence, now),
    {
      eventType: SCHEDULE_EVENT_TYPES.cancelled,
      event: {
        ...base('cancelled', schedule, sequence, now),
        actionEvent: { body: { schedule, preserveFutureEventsWithParticipants } },
      },
    },
  ];
}

/** A private key as jose takes it, or a PKCS#8 PEM. */
export type WebhookSigningKey = CryptoKey | KeyObject | string;

export interface WebhookJwtInput {
  privateKey: WebhookSigningKey;
  /** Goes into the `identity` of the envelope: Wix sends webhooks as the APP identity. */
  appId: string;
  instanceId: string;
  eventType: string;
  /** The inner domain event (e.g. a ScheduleDomainEvent); any JSON object is accepted. */
  event: object;
  /** Defaults to now. */
  issuedAt?: Date;
  /** Lifetime of the token; Wix's is UNCONFIRMED, so an hour is a guess that outlives any delivery attempt. */
  expiresInSeconds?: number;
}

const DEFAULT_WEBHOOK_JWT_LIFETIME_S = 3_600;

/**
 * The compact JWT exactly as Wix POSTs it: payload `{ data, iat, exp }` where `data` is the
 * stringified envelope and the envelope's `identity` and `data` are themselves stringified. No
 * `kid` in the header: its presence upstream is UNCONFIRMED.
 */
export async function createWebhookJwt(input: WebhookJwtInput): Promise<string> {
  const key = typeof input.privateKey === 'string' ? await importPKCS8(input.privateKey, 'RS256') : input.privateKey;
  const envelope = {
    instanceId: input.instanceId,
    eventType: input.eventType,
    identity: JSON.stringify({ identityType: 'APP', appId: input.appId }),
    data: JSON.stringify(input.event),
  };
  const issuedAtS = Math.floor((input.issuedAt ?? new Date()).getTime() / 1_000);
  return new SignJWT({ data: JSON.stringify(envelope) })
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuedAt(issuedAtS)
    .setExpirationTime(issuedAtS + (input.expiresInSeconds ?? DEFAULT_WEBHOOK_JWT_LIFETIME_S))
    .sign(key);
}

/** Alias under the name the CLI uses. */
export const signWebhook = createWebhookJwt;

export interface WebhookKeys {
  privateKey: CryptoKey | KeyObject;
  privateKeyPem: string;
  publicKeyPem: string;
}

let processKeys: Promise<WebhookKeys> | undefined;

/**
 * The pair of a given PKCS#8 PEM (so a restarted emulator keeps its key), or else one RSA pair
 * generated per process: generating one costs 100–400 ms and test suites start many emulators.
 */
export function webhookKeys(privateKeyPem?: string): Promise<WebhookKeys> {
  if (privateKeyPem !== undefined) return keysOfPem(privateKeyPem);
  processKeys ??= generateWebhookKeys();
  return processKeys;
}

async function keysOfPem(privateKeyPem: string): Promise<WebhookKeys> {
  const privateKey = await importPKCS8(privateKeyPem, 'RS256');
  // trimEnd: the same text as jose's exportSPKI, which ends without a newline.
  const publicKeyPem = createPublicKey(privateKeyPem).export({ type: 'spki', format: 'pem' }).toString().trimEnd();
  return { privateKey, privateKeyPem, publicKeyPem };
}

async function generateWebhookKeys(): Promise<WebhookKeys> {
  const pair = await generateKeyPair('RS256', { extractable: true });
  return { privateKey: pair.privateKey, privateKeyPem: await exportPKCS8(pair.privateKey), publicKeyPem: await exportSPKI(pair.publicKey) };
}
