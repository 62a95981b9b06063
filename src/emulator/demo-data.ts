/**
 * Demo data of the emulator: the well-known ids that docs and tests name, the three providers,
 * and the seeds ('demo', or a generated set of a given size). Every id is deterministic: the
 * default app instance gets exactly the ids below, any other instance gets ids derived from its
 * instance id, so tenants never share an id.
 */
import { googleCalendars } from './external-calendars/calendars.js';
import { defaultSyncConfig } from './external-calendars/features.js';
import { deriveGuid } from './ids.js';
import type { Calendar, Connection, ConnectionErrorReason, ConnectionStatus, ConnectionSyncConfig, Provider, Schedule } from './model.js';

/** Wix app ids from the Schedules docs (docs/wix-contract.md §2). */
export const WIX_BOOKINGS_APP_ID = '13d21c63-b5ec-5912-8397-c3a5ddb27a97';
export const WIX_SERVICES_APP_ID = 'cc552162-24a4-45e0-9695-230c4931ef40';
export const WIX_MEETINGS_APP_ID = '6646a75c-2027-4f49-976c-58f3d713ed0f';
/** externalId of the business (default working hours) schedule, fixed by Wix. */
export const BUSINESS_SCHEDULE_EXTERNAL_ID = '4e0579a5-491e-4e70-a872-d097eed6e520';

export const DEFAULT_API_KEY = 'emulator-api-key';
export const DEFAULT_APP_SECRET = 'emulator-app-secret';
export const DEFAULT_SITE_ID = '96d502b5-a738-417e-a904-d5104c67548a';
export const DEFAULT_INSTANCE_ID = 'b109423e-3394-44cd-b44f-22383e917f14';
export const DEFAULT_APP_ID = '9c183cde-14da-468a-bdb5-86a7d96ae5a5';
/** Connect By Credentials accepts any email with this password; any other password is BAD_CREDENTIALS. */
export const DEMO_CALENDAR_PASSWORD = 'demo-password';

export const PROVIDER_IDS = {
  google: '5a18571d-b5a8-42a5-a948-78ecd8309d84',
  apple: '2d664366-61e5-48b8-ac0e-508e972f78fb',
  microsoft: 'aa4e6a37-40b1-4c8d-ada0-545e85b79c2c',
} as const;

/** Provider ids are global in Wix, so every tenant sees the same three. */
export const PROVIDERS: readonly Provider[] = [
  {
    id: PROVIDER_IDS.google,
    name: 'Google',
    calendarType: 'GOOGLE',
    features: {
      connectMethods: ['OAUTH'],
      updateSyncConfig: true,
      listEventFromCalendars: 'SPECIFIC_CALENDARS',
      syncToCalendar: 'DEDICATED_CALENDAR',
    },
  },
  {
    id: PROVIDER_IDS.apple,
    name: 'Apple',
    calendarType: 'I_CAL',
    features: {
      connectMethods: ['CREDENTIALS'],
      updateSyncConfig: true,
      listEventFromCalendars: 'PRIMARY_CALENDAR_ONLY',
      syncToCalendar: 'PRIMARY_CALENDAR_ONLY',
    },
  },
  {
    id: PROVIDER_IDS.microsoft,
    name: 'Microsoft',
    calendarType: 'MICROSOFT',
    features: {
      connectMethods: ['OAUTH'],
      updateSyncConfig: false,
      listEventFromCalendars: 'PRIMARY_CALENDAR_ONLY',
      syncToCalendar: 'PRIMARY_CALENDAR_ONLY',
    },
  },
];

/** Wix user ids of the demo business: the site owner and the staff (staff resource id = user id here). */
export const DEMO_USER_IDS = {
  owner: 'f9488292-83ea-4f38-8ef4-fb8351aa45d5',
  maya: 'f83e377e-2f67-4c18-943e-f9cfc1761776',
  liam: '8eb33139-d2ab-4821-9a05-bc22cbb2cf8e',
  sofia: '79fe01ff-c9d3-45f1-87ca-3bd25e3d4e7c',
  noah: '479815bd-d5db-4dd1-a7bc-fede533fa0e1',
  ava: 'fda40dda-685f-45a6-8e42-c93857abc409',
} as const;

export const DEMO_SCHEDULE_IDS = {
  business: 'a645fb68-fba7-40f1-84d5-a73fed599a3d',
  mayaPersonalTraining: '04d53ed7-4649-491c-8fab-cae38dd2e620',
  liamPhysiotherapy: '2affc638-1ea5-41d5-9d4f-20512cadba05',
  sofiaYogaCoaching: 'a2fe9dcd-d015-47e9-b75b-8274bd772795',
  noahNutrition: '93f1f483-f10c-42d5-84f0-4677549c1695',
  groupYogaFlow: '0925a43d-b02e-49c7-b76f-3de630888d4f',
  introConsultation: '856ecd94-838d-4aee-b13f-c4b33bd39c69',
  /** CANCELLED: Ava left the studio; her Google connection is still on record. */
  avaMassage: '167d33d2-061f-48f1-860e-7a82c64387e8',
  /** CANCELLED: a past seasonal service, no connections. */
  winterBootcamp: 'cd773b6c-81ce-4826-be55-b1db5416619b',
} as const;

const DEMO_SERVICE_IDS = {
  groupYogaFlow: '6d337bb2-aa73-47cd-9a1b-3fcabe7794f6',
  introConsultation: '890f4c16-ac04-42fa-8d1d-185803a738b3',
  winterBootcamp: '60e71add-579c-4cae-9f48-8d7af6f6cd93',
} as const;

export const DEMO_CONNECTION_IDS = {
  /** Google, SYNCED, imports two specific calendars, exports to a dedicated calendar. */
  mayaGoogle: 'b297067f-a67f-46e1-bdb5-e1fb4f496264',
  /** Apple, SYNCED, imports the primary calendar, export disabled. */
  mayaApple: '0acb303c-9c71-4da8-8132-90cc2b299c09',
  /** Microsoft, SYNCED (its provider cannot update sync config). */
  liamMicrosoft: '9510352f-1f6d-49bc-8061-b73bf50ee67e',
  /** Google, DISCONNECTED. */
  liamGoogle: '58c920a8-2e0c-4827-86f8-dc98c9b13213',
  /** Google, SYNC_IN_PROGRESS. */
  sofiaGoogle: '607fadd1-b5fd-4f01-ab78-6b5db5e617ca',
  /** Apple, ERROR TOKEN_REVOKED. */
  sofiaApple: '1a3e7842-eccd-4a39-ba93-d76e46648d00',
  /** Microsoft, ERROR EXTERNAL_CALENDAR_CREATION_FAILED. */
  noahMicrosoft: '2f5f1103-5dcc-4e80-9c9e-9187ba687ff4',
  /** Google, CONNECTED, import disabled. */
  noahGoogle: '7002aae3-b1eb-4257-8f80-5f59386c6686',
  /** Google, SYNCED, business schedule imports the holidays calendar. */
  businessGoogle: '9a98d6a5-e1bb-459e-979d-bc9448e81147',
  /** Apple, CONNECTED. */
  groupYogaApple: 'e0079767-84a9-4b0d-b160-df9e5f9ae276',
  /** Microsoft, SYNCED. */
  introMicrosoft: 'dc622023-8650-4695-ba8a-780402108243',
  /** Google, ERROR EXTERNAL_CALENDAR_DELETED, on the CANCELLED schedule avaMassage. */
  avaGoogle: 'ba3cfb83-1cda-4c1f-ad3a-3ff024c5cf8b',
} as const;

export type Seed = 'demo' | 'empty' | { schedules: number; connectionsPerSchedule: number };

export interface SeedData {
  ownerUserId: string;
  /** Wix user id → display name, for `scheduleOwnerName` in List Events. */
  users: Map<string, string>;
  schedules: Schedule[];
  connections: Connection[];
}

/**
 * Maps a well-known id to the id a tenant uses: the default tenant keeps it, another tenant gets a
 * GUID derived from its instance id.
 */
export type IdMapper = (wellKnownId: string) => string;

export function idMapperFor(instanceId: string, isDefaultTenant: boolean): IdMapper {
  return isDefaultTenant ? (id) => id : (id) => deriveGuid('tenant', instanceId, id);
}

export function buildSeed(seed: Seed, mapId: IdMapper): SeedData {
  if (seed === 'empty') return { ownerUserId: mapId(DEMO_USER_IDS.owner), users: new Map(), schedules: [], connections: [] };
  if (seed === 'demo') return buildDemoSeed(mapId);
  return buildGeneratedSeed(seed.schedules, seed.connectionsPerSchedule, mapId);
}

const PROVIDER_BY_TYPE: Record<'GOOGLE' | 'I_CAL' | 'MICROSOFT', string> = {
  GOOGLE: PROVIDER_IDS.google,
  I_CAL: PROVIDER_IDS.apple,
  MICROSOFT: PROVIDER_IDS.microsoft,
};

interface ScheduleSpec {
  id: string;
  name: string;
  status: 'ACTIVE' | 'CANCELLED';
  revision: number;
  createdDate: string;
  updatedDate: string;
  rest: Partial<Schedule>;
}

function schedule(spec: ScheduleSpec): Schedule {
  return {
    id: spec.id,
    name: spec.name,
    status: spec.status,
    appId: WIX_BOOKINGS_APP_ID,
    ...spec.rest,
    revision: String(spec.revision),
    createdDate: spec.createdDate,
    updatedDate: spec.updatedDate,
  };
}

function staffPermissions(userId: string): Schedule['permissions'] {
  return [{ identity: { wixUserId: userId }, role: 'WRITER' }];
}

interface ConnectionSpec {
  id: string;
  calendarType: 'GOOGLE' | 'I_CAL' | 'MICROSOFT';
  scheduleId: string;
  userId: string;
  email: string;
  status: ConnectionStatus;
  errorReason?: ConnectionErrorReason;
  syncConfig: ConnectionSyncConfig;
}

function connection(spec: ConnectionSpec): Connection {
  return {
    id: spec.id,
    providerId: PROVIDER_BY_TYPE[spec.calendarType],
    calendarType: spec.calendarType,
    scheduleId: spec.scheduleId,
    userId: spec.userId,
    appId: WIX_BOOKINGS_APP_ID,
    externalAccountEmail: spec.email,
    status: spec.status,
    errorReason: spec.errorReason ?? 'UNDEFINED',
    syncConfig: spec.syncConfig,
  };
}

/** Google calendars of `email` by name; the primary one is named after the address. */
function pickGoogleCalendars(email: string, names: string[]): Calendar[] {
  return googleCalendars(email).filter((calendar) => names.includes(calendar.name));
}

function buildDemoSeed(mapId: IdMapper): SeedData {
  const user = (id: string): string => mapId(id);
  const sched = (id: string): string => mapId(id);
  const users = new Map<string, string>([
    [user(DEMO_USER_IDS.owner), 'Dana Levi'],
    [user(DEMO_USER_IDS.maya), 'Maya Cohen'],
    [user(DEMO_USER_IDS.liam), 'Liam Park'],
    [user(DEMO_USER_IDS.sofia), 'Sofia Rossi'],
    [user(DEMO_USER_IDS.noah), 'Noah Williams'],
    [user(DEMO_USER_IDS.ava), 'Ava Martin'],
  ]);
  const studio = {
    type: 'BUSINESS' as const,
    id: mapId('a1e2f3c4-0000-4000-8000-000000000001'),
    name: 'Harbor Studio — Main floor',
    address: '120 Harbor St, Brooklyn, NY 11201',
  };

  const schedules: Schedule[] = [
    schedule({
      id: sched(DEMO_SCHEDULE_IDS.business),
      name: 'Harbor Studio — Business hours',
      status: 'ACTIVE',
      revision: 4,
      createdDate: '2024-01-08T09:00:00.000Z',
      updatedDate: '2025-06-02T14:12:31.000Z',
      rest: {
        externalId: BUSINESS_SCHEDULE_EXTERNAL_ID,
        timeZone: 'America/New_York',
        businessTimeZoneEnabled: true,
        defaultTitle: 'Business hours',
        defaultLocation: studio,
      },
    }),
    schedule({
      id: sched(DEMO_SCHEDULE_IDS.mayaPersonalTraining),
      name: 'Maya Cohen — Personal training',
      status: 'ACTIVE',
      revision: 7,
      createdDate: '2024-02-12T10:30:00.000Z',
      updatedDate: '2025-09-18T08:45:10.000Z',
      rest: {
        externalId: user(DEMO_USER_IDS.maya),
        timeZone: 'America/New_York',
        businessTimeZoneEnabled: true,
        defaultTitle: 'Personal training with Maya',
        defaultLocation: studio,
        defaultCapacity: 1,
        permissions: staffPermissions(user(DEMO_USER_IDS.maya)),
      },
    }),
    schedule({
      id: sched(DEMO_SCHEDULE_IDS.liamPhysiotherapy),
      name: 'Liam Park — Physiotherapy',
      status: 'ACTIVE',
      revision: 3,
      createdDate: '2024-03-04T15:00:00.000Z',
      updatedDate: '2025-04-22T11:02:44.000Z',
      rest: {
        externalId: user(DEMO_USER_IDS.liam),
        timeZone: 'America/Chicago',
        businessTimeZoneEnabled: false,
        defaultTitle: 'Physiotherapy session',
        defaultLocation: { type: 'CUSTOM', name: 'Treatment room B', address: '455 W Erie St, Chicago, IL 60654' },
        defaultCapacity: 1,
        defaultConferencingDetails: {
          type: 'ZOOM',
          hostUrl: 'https://us02web.zoom.us/s/81234567890?zak=host-demo',
          guestUrl: 'https://us02web.zoom.us/j/81234567890',
          password: 'physio42',
          externalId: '81234567890',
        },
        permissions: staffPermissions(user(DEMO_USER_IDS.liam)),
      },
    }),
    schedule({
      id: sched(DEMO_SCHEDULE_IDS.sofiaYogaCoaching),
      name: 'Sofia Rossi — Yoga coaching',
      status: 'ACTIVE',
      revision: 2,
      createdDate: '2024-05-20T07:45:00.000Z',
      updatedDate: '2025-01-10T16:20:00.000Z',
      rest: {
        externalId: user(DEMO_USER_IDS.sofia),
        timeZone: 'Europe/Rome',
        businessTimeZoneEnabled: false,
        defaultTitle: 'Yoga coaching with Sofia',
        defaultLocation: studio,
        defaultCapacity: 2,
        permissions: staffPermissions(user(DEMO_USER_IDS.sofia)),
      },
    }),
    schedule({
      id: sched(DEMO_SCHEDULE_IDS.noahNutrition),
      name: 'Noah Williams — Nutrition consults',
      status: 'ACTIVE',
      revision: 5,
      createdDate: '2024-06-01T12:00:00.000Z',
      updatedDate: '2025-08-30T19:05:27.000Z',
      rest: {
        externalId: user(DEMO_USER_IDS.noah),
        timeZone: 'America/Los_Angeles',
        businessTimeZoneEnabled: false,
        defaultTitle: 'Nutrition consult',
        defaultLocation: { type: 'CUSTOMER' },
        defaultCapacity: 1,
        defaultConferencingDetails: {
          type: 'CUSTOM',
          hostUrl: 'https://meet.example.com/noah-host',
          guestUrl: 'https://meet.example.com/noah',
        },
        permissions: staffPermissions(user(DEMO_USER_IDS.noah)),
      },
    }),
    schedule({
      id: sched(DEMO_SCHEDULE_IDS.groupYogaFlow),
      name: 'Group yoga flow',
      status: 'ACTIVE',
      revision: 9,
      createdDate: '2024-02-01T08:00:00.000Z',
      updatedDate: '2025-10-05T07:30:00.000Z',
      rest: {
        externalId: mapId(DEMO_SERVICE_IDS.groupYogaFlow),
        timeZone: 'America/New_York',
        businessTimeZoneEnabled: true,
        defaultTitle: 'Group yoga flow',
        defaultLocation: studio,
        defaultCapacity: 12,
      },
    }),
    schedule({
      id: sched(DEMO_SCHEDULE_IDS.introConsultation),
      name: 'Intro consultation (online)',
      status: 'ACTIVE',
      revision: 1,
      createdDate: '2025-03-15T13:10:00.000Z',
      updatedDate: '2025-03-15T13:10:00.000Z',
      rest: {
        externalId: mapId(DEMO_SERVICE_IDS.introConsultation),
        appId: WIX_MEETINGS_APP_ID,
        timeZone: 'America/New_York',
        businessTimeZoneEnabled: true,
        defaultTitle: 'Intro consultation',
        defaultLocation: { type: 'CUSTOM', name: 'Online' },
        defaultCapacity: 1,
        defaultConferencingDetails: {
          type: 'ZOOM',
          hostUrl: 'https://us02web.zoom.us/s/89876543210?zak=host-intro',
          guestUrl: 'https://us02web.zoom.us/j/89876543210',
          externalId: '89876543210',
        },
      },
    }),
    schedule({
      id: sched(DEMO_SCHEDULE_IDS.avaMassage),
      name: 'Ava Martin — Massage therapy',
      status: 'CANCELLED',
      revision: 6,
      createdDate: '2024-04-09T09:20:00.000Z',
      updatedDate: '2025-07-31T17:00:00.000Z',
      rest: {
        externalId: user(DEMO_USER_IDS.ava),
        timeZone: 'America/New_York',
        businessTimeZoneEnabled: true,
        defaultTitle: 'Massage therapy with Ava',
        defaultLocation: studio,
        defaultCapacity: 1,
        permissions: staffPermissions(user(DEMO_USER_IDS.ava)),
      },
    }),
    schedule({
      id: sched(DEMO_SCHEDULE_IDS.winterBootcamp),
      name: 'Winter bootcamp 2024',
      status: 'CANCELLED',
      revision: 3,
      createdDate: '2023-11-02T10:00:00.000Z',
      updatedDate: '2024-03-01T10:00:00.000Z',
      rest: {
        externalId: mapId(DEMO_SERVICE_IDS.winterBootcamp),
        appId: WIX_SERVICES_APP_ID,
        timeZone: 'America/New_York',
        businessTimeZoneEnabled: true,
        defaultTitle: 'Winter bootcamp',
        defaultLocation: { type: 'CUSTOM', name: 'Brooklyn Bridge Park, Pier 5' },
        defaultCapacity: 20,
      },
    }),
  ];

  const owner = user(DEMO_USER_IDS.owner);
  const mayaGmail = 'maya.cohen.fit@gmail.com';
  const connections: Connection[] = [
    connection({
      id: mapId(DEMO_CONNECTION_IDS.mayaGoogle),
      calendarType: 'GOOGLE',
      scheduleId: sched(DEMO_SCHEDULE_IDS.mayaPersonalTraining),
      userId: user(DEMO_USER_IDS.maya),
      email: mayaGmail,
      status: 'SYNCED',
      syncConfig: {
        listEventFromCalendars: { enabled: true, calendars: { calendars: pickGoogleCalendars(mayaGmail, [mayaGmail, 'Work']) } },
        syncToCalendar: { enabled: true, dedicatedCalendar: {} },
      },
    }),
    connection({
      id: mapId(DEMO_CONNECTION_IDS.mayaApple),
      calendarType: 'I_CAL',
      scheduleId: sched(DEMO_SCHEDULE_IDS.mayaPersonalTraining),
      userId: user(DEMO_USER_IDS.maya),
      email: 'maya.cohen@icloud.com',
      status: 'SYNCED',
      syncConfig: {
        listEventFromCalendars: { enabled: true, primaryCalendar: {} },
        syncToCalendar: { enabled: false, primaryCalendar: {} },
      },
    }),
    connection({
      id: mapId(DEMO_CONNECTION_IDS.liamMicrosoft),
      calendarType: 'MICROSOFT',
      scheduleId: sched(DEMO_SCHEDULE_IDS.liamPhysiotherapy),
      userId: user(DEMO_USER_IDS.liam),
      email: 'liam.park@outlook.com',
      status: 'SYNCED',
      syncConfig: {
        listEventFromCalendars: { enabled: true, primaryCalendar: {} },
        syncToCalendar: { enabled: true, primaryCalendar: {} },
      },
    }),
    connection({
      id: mapId(DEMO_CONNECTION_IDS.liamGoogle),
      calendarType: 'GOOGLE',
      scheduleId: sched(DEMO_SCHEDULE_IDS.liamPhysiotherapy),
      userId: user(DEMO_USER_IDS.liam),
      email: 'liam.park.physio@gmail.com',
      status: 'DISCONNECTED',
      syncConfig: {
        listEventFromCalendars: { enabled: true, primaryCalendar: {} },
        syncToCalendar: { enabled: false, dedicatedCalendar: {} },
      },
    }),
    connection({
      id: mapId(DEMO_CONNECTION_IDS.sofiaGoogle),
      calendarType: 'GOOGLE',
      scheduleId: sched(DEMO_SCHEDULE_IDS.sofiaYogaCoaching),
      userId: user(DEMO_USER_IDS.sofia),
      email: 'sofia.rossi.yoga@gmail.com',
      status: 'SYNC_IN_PROGRESS',
      syncConfig: {
        listEventFromCalendars: { enabled: true, primaryCalendar: {} },
        syncToCalendar: { enabled: true, dedicatedCalendar: {} },
      },
    }),
    connection({
      id: mapId(DEMO_CONNECTION_IDS.sofiaApple),
      calendarType: 'I_CAL',
      scheduleId: sched(DEMO_SCHEDULE_IDS.sofiaYogaCoaching),
      userId: user(DEMO_USER_IDS.sofia),
      email: 'sofia.rossi@icloud.com',
      status: 'ERROR',
      errorReason: 'TOKEN_REVOKED',
      syncConfig: {
        listEventFromCalendars: { enabled: true, primaryCalendar: {} },
        syncToCalendar: { enabled: true, primaryCalendar: {} },
      },
    }),
    connection({
      id: mapId(DEMO_CONNECTION_IDS.noahMicrosoft),
      calendarType: 'MICROSOFT',
      scheduleId: sched(DEMO_SCHEDULE_IDS.noahNutrition),
      userId: user(DEMO_USER_IDS.noah),
      email: 'noah.williams@hotmail.com',
      status: 'ERROR',
      errorReason: 'EXTERNAL_CALENDAR_CREATION_FAILED',
      syncConfig: {
        listEventFromCalendars: { enabled: false, primaryCalendar: {} },
        syncToCalendar: { enabled: true, primaryCalendar: {} },
      },
    }),
    connection({
      id: mapId(DEMO_CONNECTION_IDS.noahGoogle),
      calendarType: 'GOOGLE',
      scheduleId: sched(DEMO_SCHEDULE_IDS.noahNutrition),
      userId: user(DEMO_USER_IDS.noah),
      email: 'noah.eats.well@gmail.com',
      status: 'CONNECTED',
      syncConfig: {
        listEventFromCalendars: { enabled: false, primaryCalendar: {} },
        syncToCalendar: { enabled: false, dedicatedCalendar: {} },
      },
    }),
    connection({
      id: mapId(DEMO_CONNECTION_IDS.businessGoogle),
      calendarType: 'GOOGLE',
      scheduleId: sched(DEMO_SCHEDULE_IDS.business),
      userId: owner,
      email: 'hello.harborstudio@gmail.com',
      status: 'SYNCED',
      syncConfig: {
        listEventFromCalendars: {
          enabled: true,
          calendars: { calendars: pickGoogleCalendars('hello.harborstudio@gmail.com', ['Holidays in United States']) },
        },
        syncToCalendar: { enabled: true, dedicatedCalendar: {} },
      },
    }),
    connection({
      id: mapId(DEMO_CONNECTION_IDS.groupYogaApple),
      calendarType: 'I_CAL',
      scheduleId: sched(DEMO_SCHEDULE_IDS.groupYogaFlow),
      userId: owner,
      email: 'dana.levi@icloud.com',
      status: 'CONNECTED',
      syncConfig: {
        listEventFromCalendars: { enabled: true, primaryCalendar: {} },
        syncToCalendar: { enabled: true, primaryCalendar: {} },
      },
    }),
    connection({
      id: mapId(DEMO_CONNECTION_IDS.introMicrosoft),
      calendarType: 'MICROSOFT',
      scheduleId: sched(DEMO_SCHEDULE_IDS.introConsultation),
      userId: owner,
      email: 'dana@harborstudio.com',
      status: 'SYNCED',
      syncConfig: {
        listEventFromCalendars: { enabled: true, primaryCalendar: {} },
        syncToCalendar: { enabled: true, primaryCalendar: {} },
      },
    }),
    connection({
      id: mapId(DEMO_CONNECTION_IDS.avaGoogle),
      calendarType: 'GOOGLE',
      scheduleId: sched(DEMO_SCHEDULE_IDS.avaMassage),
      userId: user(DEMO_USER_IDS.ava),
      email: 'ava.martin.massage@gmail.com',
      status: 'ERROR',
      errorReason: 'EXTERNAL_CALENDAR_DELETED',
      syncConfig: {
        listEventFromCalendars: { enabled: true, primaryCalendar: {} },
        syncToCalendar: { enabled: true, dedicatedCalendar: {} },
      },
    }),
  ];

  return { ownerUserId: owner, users, schedules, connections };
}

const FIRST_NAMES = ['Emma', 'Oliver', 'Mia', 'Lucas', 'Zoe', 'Ethan', 'Aria', 'Mateo', 'Leah', 'Daniel', 'Chloe', 'Yusuf'];
const LAST_NAMES = ['Garcia', 'Kim', 'Novak', 'Haddad', 'Okafor', 'Silva', 'Tanaka', 'Berg', 'Rossi', 'Nguyen', 'Levy'];
const SERVICES = ['Personal training', 'Physiotherapy', 'Pilates', 'Sports massage', 'Nutrition consults', 'Boxing'];
const TIME_ZONES = ['America/New_York', 'Europe/London', 'Europe/Berlin', 'Asia/Tokyo', 'Australia/Sydney'];
const GENERATED_TYPES: readonly ('GOOGLE' | 'I_CAL' | 'MICROSOFT')[] = ['GOOGLE', 'I_CAL', 'MICROSOFT'];
const EMAIL_DOMAIN: Record<'GOOGLE' | 'I_CAL' | 'MICROSOFT', string> = {
  GOOGLE: 'gmail.com',
  I_CAL: 'icloud.com',
  MICROSOFT: 'outlook.com',
};
const GENERATED_DATE = '2025-01-01T00:00:00.000Z';

function providerOfType(calendarType: 'GOOGLE' | 'I_CAL' | 'MICROSOFT'): Provider {
  const provider = PROVIDERS.find((candidate) => candidate.calendarType === calendarType);
  if (!provider) throw new Error(`no demo provider for ${calendarType}`);
  return provider;
}

/** Name of list item `index`, cycling: the lists are never empty. */
function pick(list: readonly string[], index: number): string {
  return list[index % list.length] ?? '';
}

/**
 * A larger set for benchmarks: every schedule ACTIVE and owned by its own staff member, every
 * connection SYNCED with import enabled, providers in turn, so counts are easy to predict.
 */
function buildGeneratedSeed(scheduleCount: number, connectionsPerSchedule: number, mapId: IdMapper): SeedData {
  const ownerUserId = mapId(DEMO_USER_IDS.owner);
  const users = new Map<string, string>([[ownerUserId, 'Dana Levi']]);
  const schedules: Schedule[] = [];
  const connections: Connection[] = [];
  for (let index = 0; index < scheduleCount; index += 1) {
    const userId = mapId(deriveGuid('generated', 'user', String(index)));
    const staffName = `${pick(FIRST_NAMES, index)} ${pick(LAST_NAMES, index * 7 + 3)}`;
    users.set(userId, staffName);
    const scheduleId = mapId(deriveGuid('generated', 'schedule', String(index)));
    const service = pick(SERVICES, index);
    schedules.push(
      schedule({
        id: scheduleId,
        name: `${staffName} — ${service}`,
        status: 'ACTIVE',
        revision: 1,
        createdDate: GENERATED_DATE,
        updatedDate: GENERATED_DATE,
        rest: {
          externalId: userId,
          timeZone: pick(TIME_ZONES, index),
          businessTimeZoneEnabled: false,
          defaultTitle: service,
          defaultLocation: { type: 'BUSINESS', name: 'Main studio' },
          defaultCapacity: 1 + (index % 4),
          permissions: staffPermissions(userId),
        },
      }),
    );
    for (let slot = 0; slot < connectionsPerSchedule; slot += 1) {
      const calendarType = GENERATED_TYPES[(index + slot) % GENERATED_TYPES.length] ?? 'GOOGLE';
      const email = `${staffName.toLowerCase().replace(/[^a-z]+/g, '.')}.${slot + 1}@${EMAIL_DOMAIN[calendarType]}`;
      connections.push(
        connection({
          id: mapId(deriveGuid('generated', 'connection', String(index), String(slot))),
          calendarType,
          scheduleId,
          userId,
          email,
          status: 'SYNCED',
          syncConfig: defaultSyncConfig(providerOfType(calendarType)),
        }),
      );
    }
  }
  return { ownerUserId, users, schedules, connections };
}
