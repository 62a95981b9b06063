import { expect } from 'vitest';
import type { RecordedRequest } from './fake-upstream.js';
import { TEST_API_KEY, TEST_SITE_ID } from './gateway.js';

/** Wire-shaped Wix objects of the endpoints the shared fixtures do not cover, as the REST API sends them. */

export const GOOGLE = '5a18571d-b5a8-42a5-a948-78ecd8309d84';
export const APPLE = '2d664366-61e5-48b8-ac0e-508e972f78fb';

export function wixProvider(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    name: 'Google',
    calendarType: 'GOOGLE',
    features: {
      connectMethods: ['OAUTH'],
      updateSyncConfig: true,
      listEventFromCalendars: 'SPECIFIC_CALENDARS',
      syncToCalendar: 'DEDICATED_CALENDAR',
    },
    ...overrides,
  };
}

export function wixEvent(index: number, overrides: Record<string, unknown> = {}) {
  const start = Date.UTC(2026, 11, 1, 9) + index * 3_600_000;
  return {
    scheduleId: 's1',
    calendarType: 'GOOGLE',
    start: new Date(start).toISOString(),
    end: new Date(start + 1_800_000).toISOString(),
    allDay: false,
    scheduleOwnerId: 'u1',
    ...overrides,
  };
}

/** A Wix error body (docs/wix-contract.md §4.3) with an application error code. */
export function applicationError(status: number, code: string) {
  return { status, body: { message: 'from Wix', details: { applicationError: { code, description: 'Wix internal words', data: {} } } } };
}

/** A Wix validation error body naming the fields it refused. */
export function validationError(...fields: string[]) {
  return {
    status: 400,
    body: {
      message: 'INVALID_ARGUMENT',
      details: { validationError: { fieldViolations: fields.map((field) => ({ field, description: 'bad', violatedRule: 'OTHER' })) } },
    },
  };
}

/** Method, path, raw query string and body of each recorded call: what the wire-contract tests compare exactly. */
export function wire(requests: readonly RecordedRequest[]) {
  return requests.map(({ method, path, query, body }) => ({ method, path, query, body }));
}

/** The headers every upstream call carries in API-key mode; `content-type` exactly when there is a body. */
export function expectWixHeaders(request: RecordedRequest | undefined, options: { body: boolean }) {
  expect(request?.headers).toMatchObject({ authorization: TEST_API_KEY, 'wix-site-id': TEST_SITE_ID, accept: 'application/json' });
  expect(request?.headers['content-type']).toBe(options.body ? 'application/json' : undefined);
}

/** Gateways of these tests try each upstream call once and never open the circuit: every request the fake sees is one the test caused. */
export const ONE_ATTEMPT = { maxAttempts: 1, breakerMinCalls: 1_000_000 };

export function codes(result: { errors?: Array<{ extensions?: { code?: string } }> }) {
  return result.errors?.map((error) => error.extensions?.code);
}
