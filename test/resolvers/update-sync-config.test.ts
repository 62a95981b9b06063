import { beforeEach, describe, expect, it } from 'vitest';
import { wixConnection } from '../helpers/fixtures.js';
import { gatewayOverFakeUpstream } from '../helpers/suite.js';

const MUTATION = `mutation Update($id: ID!, $config: SyncConfigInput!) {
  updateSyncConfig(connectionId: $id, syncConfig: $config) {
    connection {
      id
      syncConfig {
        listEventFromCalendars { enabled source { __typename ... on CalendarSelection { calendars { id: calendarId name enabled } } } }
        syncToCalendar { enabled target { __typename } }
      }
    }
    userErrors { code message field }
  }
}`;

/** Echoes the PATCHed config back, as Wix does. */
function echo() {
  upstream.handle((request) => {
    const { connectionId, syncConfig } = request.body as { connectionId: string; syncConfig: Record<string, unknown> };
    return { body: { connection: wixConnection(connectionId, 's1', { syncConfig }) } };
  });
}

const { upstream, gateway, client } = gatewayOverFakeUpstream();
beforeEach(() => {
  echo();
});

describe('updateSyncConfig sends exactly the Wix body for each one-of member', () => {
  it.each([
    [
      'import from the primary calendar',
      { listEventFromCalendars: { enabled: true, source: { primaryCalendar: true } } },
      { listEventFromCalendars: { enabled: true, primaryCalendar: {} } },
    ],
    [
      'import from chosen calendars',
      { listEventFromCalendars: { enabled: true, source: { calendars: [{ id: 'cal-1', name: 'Work' }, { id: 'cal-2' }] } } },
      { listEventFromCalendars: { enabled: true, calendars: { calendars: [{ id: 'cal-1', name: 'Work' }, { id: 'cal-2' }] } } },
    ],
    [
      'export to the primary calendar',
      { syncToCalendar: { enabled: true, target: { primaryCalendar: true } } },
      { syncToCalendar: { enabled: true, primaryCalendar: {} } },
    ],
    [
      'export to a dedicated calendar',
      { syncToCalendar: { enabled: false, target: { dedicatedCalendar: true } } },
      { syncToCalendar: { enabled: false, dedicatedCalendar: {} } },
    ],
    [
      'both halves, one without a member',
      { listEventFromCalendars: { enabled: false }, syncToCalendar: { enabled: true, target: { dedicatedCalendar: true } } },
      { listEventFromCalendars: { enabled: false }, syncToCalendar: { enabled: true, dedicatedCalendar: {} } },
    ],
  ])('%s', async (_name, config, wixBody) => {
    const result = await gateway.graphql(MUTATION, { id: 'conn-1', config });
    expect(result.errors).toBeUndefined();
    expect(upstream.requests.map((r) => [r.method, r.path, r.headers['content-type'], r.body])).toEqual([
      [
        'PATCH',
        '/bookings/v2/external-calendars/connections/conn-1/sync-config',
        'application/json',
        { connectionId: 'conn-1', syncConfig: wixBody },
      ],
    ]);
    expect(result.data).toMatchObject({ updateSyncConfig: { connection: { id: 'conn-1' }, userErrors: [] } });
  });

  it('returns the new config as Wix answers it', async () => {
    const result = await gateway.graphql(MUTATION, {
      id: 'conn-1',
      config: {
        listEventFromCalendars: { enabled: true, source: { calendars: [{ id: 'cal-9', name: 'Team' }] } },
        syncToCalendar: { enabled: true, target: { primaryCalendar: true } },
      },
    });
    expect(result.data).toEqual({
      updateSyncConfig: {
        connection: {
          id: 'conn-1',
          syncConfig: {
            listEventFromCalendars: {
              enabled: true,
              source: { __typename: 'CalendarSelection', calendars: [{ id: 'cal-9', name: 'Team', enabled: true }] },
            },
            syncToCalendar: { enabled: true, target: { __typename: 'PrimaryCalendar' } },
          },
        },
        userErrors: [],
      },
    });
  });
});

describe('the deprecated ExternalCalendarInput.enabled', () => {
  it('is never sent to Wix: a calendar is { id, name }, and the caller is warned in extensions', async () => {
    const result = await gateway.graphql(MUTATION, {
      id: 'conn-1',
      config: {
        listEventFromCalendars: {
          enabled: true,
          source: {
            calendars: [
              { id: 'cal-1', name: 'Work', enabled: false },
              { id: 'cal-2', name: 'Home' },
            ],
          },
        },
      },
    });
    expect(upstream.requests.map((r) => r.body)).toEqual([
      {
        connectionId: 'conn-1',
        syncConfig: {
          listEventFromCalendars: {
            enabled: true,
            calendars: {
              calendars: [
                { id: 'cal-1', name: 'Work' },
                { id: 'cal-2', name: 'Home' },
              ],
            },
          },
        },
      },
    ]);
    expect(result.data).toMatchObject({ updateSyncConfig: { userErrors: [] } });
    expect(result.extensions).toEqual({
      warnings: [
        {
          message: expect.stringContaining('deprecated and ignored') as unknown,
          field: ['syncConfig', 'listEventFromCalendars', 'source', 'calendars', '0', 'enabled'],
        },
      ],
    });
  });

  it('warns the caller over WebSocket too', async () => {
    const { value } = await client
      .iterate({
        query: MUTATION,
        variables: {
          id: 'conn-1',
          config: { listEventFromCalendars: { enabled: true, source: { calendars: [{ id: 'cal-1', enabled: true }] } } },
        },
      })
      .next();
    expect((value as { extensions?: unknown }).extensions).toEqual({
      warnings: [
        {
          message: expect.stringContaining('deprecated and ignored') as unknown,
          field: ['syncConfig', 'listEventFromCalendars', 'source', 'calendars', '0', 'enabled'],
        },
      ],
    });
  });

  it('is deprecated with a reason, on input and output', async () => {
    const result = await gateway.graphql<Record<string, { fields?: unknown; inputFields?: unknown }>>(`{
      output: __type(name: "ExternalCalendar") { fields(includeDeprecated: true) { name isDeprecated deprecationReason } }
      input: __type(name: "ExternalCalendarInput") { inputFields(includeDeprecated: true) { name isDeprecated deprecationReason } }
    }`);
    const enabled = {
      name: 'enabled',
      isDeprecated: true,
      deprecationReason: expect.stringContaining('ListEventFromCalendars') as unknown,
    };
    expect(result.data?.output?.fields).toContainEqual(enabled);
    expect(result.data?.input?.inputFields).toContainEqual(enabled);
  });

  it('answers no warning when it is not given', async () => {
    const result = await gateway.graphql(MUTATION, {
      id: 'conn-1',
      config: { listEventFromCalendars: { enabled: true, source: { calendars: [{ id: 'cal-1' }] } } },
    });
    expect(result.data).toMatchObject({ updateSyncConfig: { userErrors: [] } });
    expect(result.extensions).toBeUndefined();
  });
});

describe('updateSyncConfig reports expected failures as userErrors', () => {
  it('surfaces Wix 428 NOT_SUPPORTED_BY_PROVIDER with that code and no connection', async () => {
    upstream.handle(() => ({
      status: 428,
      body: { message: 'x', details: { applicationError: { code: 'NOT_SUPPORTED_BY_PROVIDER', description: 'provider internals' } } },
    }));
    const result = await gateway.graphql(MUTATION, {
      id: 'conn-ms',
      config: { syncToCalendar: { enabled: true, target: { dedicatedCalendar: true } } },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      updateSyncConfig: {
        connection: null,
        userErrors: [{ code: 'NOT_SUPPORTED_BY_PROVIDER', message: 'The calendar provider does not support this.', field: null }],
      },
    });
  });

  it('surfaces an unknown connection as NOT_FOUND', async () => {
    upstream.handle(() => ({ status: 404, body: { message: 'not found' } }));
    const result = await gateway.graphql(MUTATION, { id: 'nope', config: { syncToCalendar: { enabled: false } } });
    expect(result.data).toMatchObject({ updateSyncConfig: { connection: null, userErrors: [{ code: 'NOT_FOUND', field: null }] } });
  });

  it('surfaces a Wix validation error as INVALID_ARGUMENT with the field', async () => {
    upstream.handle(() => ({
      status: 400,
      body: {
        message: 'x',
        details: {
          validationError: { fieldViolations: [{ field: 'syncConfig.syncToCalendar', description: 'bad', violatedRule: 'OTHER' }] },
        },
      },
    }));
    const result = await gateway.graphql(MUTATION, { id: 'c', config: { syncToCalendar: { enabled: false } } });
    expect(result.data).toMatchObject({
      updateSyncConfig: { connection: null, userErrors: [{ code: 'INVALID_ARGUMENT', field: ['syncConfig', 'syncToCalendar'] }] },
    });
  });

  it('keeps an upstream outage a GraphQL error, not a user error', async () => {
    upstream.handle(() => ({ status: 503, body: {} }));
    const result = await gateway.graphql(MUTATION, { id: 'c', config: { syncToCalendar: { enabled: false } } });
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['UPSTREAM_UNAVAILABLE']);
  });
});

describe('updateSyncConfig sends nothing upstream for invalid input', () => {
  it.each([
    ['an empty syncConfig', {}, ['syncConfig']],
    ['null halves only', { listEventFromCalendars: null, syncToCalendar: null }, ['syncConfig']],
    [
      'an empty calendar list',
      { listEventFromCalendars: { enabled: true, source: { calendars: [] } } },
      ['syncConfig', 'listEventFromCalendars', 'source', 'calendars'],
    ],
    [
      'primaryCalendar: false on import',
      { listEventFromCalendars: { enabled: true, source: { primaryCalendar: false } } },
      ['syncConfig', 'listEventFromCalendars', 'source', 'primaryCalendar'],
    ],
    [
      'primaryCalendar: false on export',
      { syncToCalendar: { enabled: true, target: { primaryCalendar: false } } },
      ['syncConfig', 'syncToCalendar', 'target', 'primaryCalendar'],
    ],
    [
      'dedicatedCalendar: false',
      { syncToCalendar: { enabled: true, target: { dedicatedCalendar: false } } },
      ['syncConfig', 'syncToCalendar', 'target', 'dedicatedCalendar'],
    ],
    [
      'an over-long calendar name',
      { listEventFromCalendars: { enabled: true, source: { calendars: [{ id: 'c', name: 'x'.repeat(201) }] } } },
      ['syncConfig', 'listEventFromCalendars', 'source', 'calendars', '0', 'name'],
    ],
    [
      'an empty calendar id',
      { listEventFromCalendars: { enabled: true, source: { calendars: [{ id: '' }] } } },
      ['syncConfig', 'listEventFromCalendars', 'source', 'calendars', '0', 'id'],
    ],
  ])('rejects %s with INVALID_ARGUMENT and its field path', async (_name, config, field) => {
    const result = await gateway.graphql(MUTATION, { id: 'conn-1', config });
    expect(result.errors).toBeUndefined();
    expect(result.data).toMatchObject({ updateSyncConfig: { connection: null, userErrors: [{ code: 'INVALID_ARGUMENT', field }] } });
    expect(upstream.requests).toHaveLength(0);
  });

  it.each([
    [
      'both members of ImportSourceInput',
      '{ listEventFromCalendars: { enabled: true, source: { primaryCalendar: true, calendars: [{ id: "a" }] } } }',
    ],
    [
      'both members of ExportTargetInput',
      '{ syncToCalendar: { enabled: true, target: { primaryCalendar: true, dedicatedCalendar: true } } }',
    ],
    ['no member of ExportTargetInput', '{ syncToCalendar: { enabled: true, target: {} } }'],
    ['a null member of ImportSourceInput', '{ listEventFromCalendars: { enabled: true, source: { primaryCalendar: null } } }'],
  ])('refuses %s in GraphQL validation (@oneOf)', async (_name, literal) => {
    const result = await gateway.graphql(
      `mutation { updateSyncConfig(connectionId: "c", syncConfig: ${literal}) { userErrors { code } } }`,
    );
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(upstream.requests).toHaveLength(0);
  });

  it('refuses a @oneOf violation in variables with BAD_USER_INPUT', async () => {
    const result = await gateway.graphql(MUTATION, {
      id: 'c',
      config: { syncToCalendar: { enabled: true, target: { primaryCalendar: true, dedicatedCalendar: true } } },
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(upstream.requests).toHaveLength(0);
  });
});
