import { describe, expect, it } from 'vitest';
import { APPLE, GOOGLE, ONE_ATTEMPT } from '../helpers/api.js';
import { gatewayOverFakeUpstream } from '../helpers/suite.js';

/**
 * Mutation input that breaks a documented limit is answered with `userErrors` (INVALID_ARGUMENT,
 * with the path from the mutation's arguments) and never sent to Wix.
 */

const { upstream, gateway } = gatewayOverFakeUpstream({
  handler: () => ({ status: 500, body: { message: 'the test expected no call' } }),
  resilience: ONE_ATTEMPT,
});

interface Payload {
  userErrors: Array<{ code: string; message: string; field: string[] | null }>;
}

async function userErrorsOf(mutation: string, field: string, variables: Record<string, unknown>) {
  const result = await gateway.graphql<Record<string, Payload>>(mutation, variables);
  expect(result.errors).toBeUndefined();
  expect(upstream.requests).toEqual([]);
  return result.data?.[field]?.userErrors ?? [];
}

describe('connectByOAuth', () => {
  const CONNECT = `mutation($p: ID!, $s: ID!, $r: String!) { connectByOAuth(providerId: $p, scheduleId: $s, redirectUrl: $r) {
    oauthUrl userErrors { code message field }
  } }`;

  it.each([
    ['a relative redirectUrl', { p: GOOGLE, s: 's1', r: '/done' }, ['redirectUrl'], 'redirectUrl must be an absolute http(s) URL.'],
    [
      'a non-http redirectUrl',
      { p: GOOGLE, s: 's1', r: 'javascript:alert(1)' },
      ['redirectUrl'],
      'redirectUrl must be an absolute http(s) URL.',
    ],
    ['an empty providerId', { p: '', s: 's1', r: 'https://a.example/' }, ['providerId'], 'providerId cannot be empty.'],
    ['an empty scheduleId', { p: GOOGLE, s: '', r: 'https://a.example/' }, ['scheduleId'], 'scheduleId cannot be empty.'],
  ])('refuses %s', async (_name, variables, field, message) => {
    expect(await userErrorsOf(CONNECT, 'connectByOAuth', variables)).toEqual([{ code: 'INVALID_ARGUMENT', message, field }]);
  });
});

describe('connectByCredentials', () => {
  const CONNECT = `mutation($e: String!, $pw: String!) { connectByCredentials(providerId: "${APPLE}", scheduleId: "s1", email: $e, password: $pw) {
    connection { id } userErrors { code message field }
  } }`;

  it.each([
    ['an email that is not one', { e: 'maya', pw: 'pw' }, ['email'], 'email must be an email address.'],
    ['an empty password', { e: 'maya@icloud.com', pw: '' }, ['password'], 'password cannot be empty.'],
  ])('refuses %s', async (_name, variables, field, message) => {
    expect(await userErrorsOf(CONNECT, 'connectByCredentials', variables)).toEqual([{ code: 'INVALID_ARGUMENT', message, field }]);
  });
});

describe('disconnectConnection', () => {
  it('refuses an empty connectionId', async () => {
    const errors = await userErrorsOf(
      'mutation { disconnectConnection(connectionId: "") { connection { id } userErrors { code message field } } }',
      'disconnectConnection',
      {},
    );
    expect(errors).toEqual([{ code: 'INVALID_ARGUMENT', message: 'connectionId cannot be empty.', field: ['connectionId'] }]);
  });
});

describe('createSchedule checks the documented field limits', () => {
  const CREATE = `mutation($s: CreateScheduleInput!, $key: String) { createSchedule(schedule: $s, idempotencyKey: $key) {
    schedule { id } userErrors { code message field }
  } }`;
  const zoom = { type: 'ZOOM', hostUrl: 'https://zoom.example/h', guestUrl: 'https://zoom.example/g' };

  it.each([
    ['an empty name', { name: '' }, ['schedule', 'name'], 'name needs at least 1 character.'],
    ['a 201-character name', { name: 'x'.repeat(201) }, ['schedule', 'name'], 'name has at most 200 characters.'],
    ['an empty time zone', { timeZone: '' }, ['schedule', 'timeZone'], 'timeZone needs at least 1 character.'],
    ['a 151-character time zone', { timeZone: 'x'.repeat(151) }, ['schedule', 'timeZone'], 'timeZone has at most 150 characters.'],
    [
      'a 201-character default title',
      { defaultTitle: 'x'.repeat(201) },
      ['schedule', 'defaultTitle'],
      'defaultTitle has at most 200 characters.',
    ],
    ['a negative capacity', { defaultCapacity: -1 }, ['schedule', 'defaultCapacity'], 'defaultCapacity cannot be negative.'],
    [
      'a 151-character location name',
      { defaultLocation: { type: 'CUSTOM', name: 'x'.repeat(151) } },
      ['schedule', 'defaultLocation', 'name'],
      'A location name has at most 150 characters.',
    ],
    [
      'conferencing without its host URL',
      { defaultConferencingDetails: { type: 'ZOOM', guestUrl: zoom.guestUrl } },
      ['schedule', 'defaultConferencingDetails', 'hostUrl'],
      'hostUrl is required with defaultConferencingDetails.',
    ],
    [
      'a 101-character conferencing password',
      { defaultConferencingDetails: { ...zoom, password: 'x'.repeat(101) } },
      ['schedule', 'defaultConferencingDetails', 'password'],
      'password has at most 100 characters.',
    ],
    ['an appId that is not a GUID', { appId: 'bookings' }, ['schedule', 'appId'], 'appId is the GUID of a Wix app.'],
    [
      'two permissions',
      {
        permissions: [
          { identity: { wixUserId: 'f83e377e-2f67-4c18-943e-f9cfc1761776' }, role: 'WRITER' },
          { identity: { wixUserId: 'f83e377e-2f67-4c18-943e-f9cfc1761776' }, role: 'COMMENTER' },
        ],
      },
      ['schedule', 'permissions'],
      'A schedule has at most one permission.',
    ],
  ])('refuses %s', async (_name, schedule, field, message) => {
    const errors = await userErrorsOf(CREATE, 'createSchedule', { s: schedule });
    expect(errors).toEqual([{ code: 'INVALID_ARGUMENT', message, field }]);
  });

  it('refuses extended fields that are not { namespaces: { ... } }', async () => {
    const errors = await userErrorsOf(CREATE, 'createSchedule', { s: { extendedFields: { color: 'blue' } } });
    expect(errors).toContainEqual({
      code: 'INVALID_ARGUMENT',
      message: 'extendedFields is { namespaces: { <namespace>: { ... } } }.',
      field: ['schedule', 'extendedFields', 'namespaces'],
    });
    for (const error of errors) expect(error.field?.slice(0, 2)).toEqual(['schedule', 'extendedFields']);
  });

  it.each([
    ['an empty idempotency key', '', 'idempotencyKey is a GUID, for example a fresh UUID.'],
    ['an idempotency key that is not a GUID', 'pop-up-boxing-2026', 'idempotencyKey is a GUID, for example a fresh UUID.'],
  ])('refuses %s', async (_name, key, message) => {
    const errors = await userErrorsOf(CREATE, 'createSchedule', { s: { name: 'ok' }, key });
    expect(errors).toEqual([{ code: 'INVALID_ARGUMENT', message, field: ['idempotencyKey'] }]);
  });

  it('reports every broken limit at once', async () => {
    const errors = await userErrorsOf(CREATE, 'createSchedule', { s: { name: '', defaultCapacity: -2 } });
    expect(errors.map((error) => error.field)).toEqual([
      ['schedule', 'name'],
      ['schedule', 'defaultCapacity'],
    ]);
  });
});

describe('cancelSchedule', () => {
  const CANCEL =
    'mutation($id: ID!, $n: ParticipantNotificationInput) { cancelSchedule(id: $id, participantNotification: $n) { schedule { id } userErrors { code message field } } }';

  it.each([
    ['an empty id', { id: '' }, ['id'], 'id cannot be empty.'],
    [
      'an empty notification message',
      { id: 's1', n: { message: '' } },
      ['participantNotification', 'message'],
      'message needs at least 1 character.',
    ],
    [
      'a 5001-character notification message',
      { id: 's1', n: { message: 'x'.repeat(5_001) } },
      ['participantNotification', 'message'],
      'message has at most 5000 characters.',
    ],
  ])('refuses %s', async (_name, variables, field, message) => {
    expect(await userErrorsOf(CANCEL, 'cancelSchedule', variables)).toEqual([{ code: 'INVALID_ARGUMENT', message, field }]);
  });
});
