import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseWebhook } from '../../src/webhooks/envelope.js';
import { parseWebhookPublicKeys } from '../../src/webhooks/keys.js';
import { scheduleEnvelope } from '../helpers/webhooks.js';

const pem = () => generateKeyPairSync('rsa', { modulusLength: 2_048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();

describe('WIX_WEBHOOK_PUBLIC_KEY', () => {
  it('reads a PEM, several PEMs, base64 of a PEM, and several base64 values', () => {
    const [a, b] = [pem(), pem()];
    expect(parseWebhookPublicKeys(a)).toHaveLength(1);
    expect(parseWebhookPublicKeys(`${a}\n${b}`)).toHaveLength(2);
    expect(parseWebhookPublicKeys(Buffer.from(a).toString('base64'))).toHaveLength(1);
    expect(parseWebhookPublicKeys(`${Buffer.from(a).toString('base64')},${Buffer.from(b).toString('base64')}`)).toHaveLength(2);
  });

  it('refuses what is not an RSA public key, naming the variable', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(() => parseWebhookPublicKeys('hello')).toThrow(/WIX_WEBHOOK_PUBLIC_KEY/);
    expect(() => parseWebhookPublicKeys('-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----')).toThrow(
      /WIX_WEBHOOK_PUBLIC_KEY: key 1/,
    );
    expect(() => parseWebhookPublicKeys(ec)).toThrow(/RSA/);
  });
});

describe('webhook envelope', () => {
  const received = new Date('2026-11-22T10:00:00.000Z');

  it('reads the three layers of a Schedule Updated webhook', () => {
    const parsed = parseWebhook({ data: JSON.stringify(scheduleEnvelope({ scheduleId: 's9', sequence: '12', eventId: 'ev' })) }, received);
    expect(parsed).toMatchObject({
      kind: 'schedule',
      eventType: 'wix.calendar.v3.schedule_updated',
      change: {
        eventId: 'ev',
        entityId: 's9',
        sequence: '12',
        topics: ['updated'],
        eventTime: '2026-11-22T00:37:26.154Z',
        schedule: { id: 's9' },
      },
    });
  });

  it('treats an update to CANCELLED as a cancellation too', () => {
    const parsed = parseWebhook({ data: JSON.stringify(scheduleEnvelope({ schedule: { id: 'sched-1', status: 'CANCELLED' } })) }, received);
    expect(parsed).toMatchObject({ change: { topics: ['updated', 'cancelled'] } });
  });

  it('falls back to the receipt time and the revision when Wix leaves eventTime or the sequence out', () => {
    const envelope = scheduleEnvelope({ schedule: { id: 'sched-1', revision: '0042' } });
    const inner = JSON.parse(envelope.data) as Record<string, unknown>;
    delete inner.eventTime;
    delete inner.entityEventSequence;
    const parsed = parseWebhook({ data: JSON.stringify({ ...envelope, data: JSON.stringify(inner) }) }, received);
    expect(parsed).toMatchObject({ change: { eventTime: '2026-11-22T10:00:00.000Z', sequence: '42' } });
  });

  it('refuses an entityId that is not the schedule it carries', () => {
    const envelope = scheduleEnvelope({ scheduleId: 'a', schedule: { id: 'b' } });
    expect(() => parseWebhook({ data: JSON.stringify(envelope) }, received)).toThrow(/entityId/);
  });
});
