/** Wire-shaped Wix objects for tests, as the REST API sends them. */

export function wixSchedule(id: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    externalId: `ext-${id}`,
    name: `Schedule ${id}`,
    status: 'ACTIVE',
    timeZone: 'Europe/Berlin',
    businessTimeZoneEnabled: false,
    defaultTitle: 'Session',
    defaultLocation: { type: 'CUSTOM', name: 'Studio', address: 'Main St 1' },
    defaultCapacity: 4,
    appId: '13d21c63-b5ec-5912-8397-c3a5ddb27a97',
    permissions: [{ identity: { wixUserId: 'user-1' }, role: 'WRITER' }],
    extendedFields: { namespaces: { '@acme/app': { color: 'blue' } } },
    revision: '3',
    createdDate: '2026-01-01T10:00:00.000Z',
    updatedDate: '2026-02-01T10:00:00.000Z',
    ...overrides,
  };
}

export function wixConnection(id: string, scheduleId: string, overrides: Record<string, unknown> = {}) {
  return {
    id,
    providerId: 'prov-google',
    calendarType: 'GOOGLE',
    scheduleId,
    userId: 'user-1',
    appId: '13d21c63-b5ec-5912-8397-c3a5ddb27a97',
    externalAccountEmail: 'maya@example.com',
    status: 'SYNCED',
    errorReason: 'UNDEFINED',
    syncConfig: {
      listEventFromCalendars: { enabled: true, primaryCalendar: {} },
      syncToCalendar: { enabled: true, dedicatedCalendar: {} },
    },
    ...overrides,
  };
}
