import type { NodeResolvers, QueryResolvers, ResolversTypes } from '../__generated__/resolvers-types.js';
import type { ConnectionDto, ExternalCalendarView } from '../datasources/external-calendars.dto.js';
import type { ScheduleDto } from '../datasources/schedules.dto.js';
import type { GatewayContext } from '../graphql/context.js';
import { BadUserInputError, ErrorCode, GatewayError } from '../infra/errors.js';

/**
 * Relay's Global Object Identification (`Node`, `node(id:)`, `nodes(ids:)`).
 *
 * Ids stay what they are today where they are already unique: schedule and connection ids are Wix
 * ids (random UUIDs), unique across types and sites, so clients keep every id they hold. An id
 * that is not unique gets an opaque global one: `ExternalCalendar.id` is the provider's calendar id
 * (the same `addressbook#contacts@group.v.calendar.google.com` in every Google account), so it
 * becomes `base64url("ExternalCalendar:" + connection id + ":" + provider calendar id)`, and the
 * provider's id moves to `ExternalCalendar.calendarId`.
 *
 * Adding a type: implement `Node` in its SDL and add one entry to NODE_TYPES (how to find one by
 * id); an opaque id also gets its prefix here. Lookups go through the batched, cached and replicated
 * reads of the datasources, within the caller's own site: another tenant's id answers null.
 */

/** Ids one `nodes` call may ask for (as many as one Wix list call takes). */
export const NODES_MAX = 100;
/** Longest id `node` looks up (Wix ids are at most 250 characters; an opaque one holds two). */
const NODE_ID_MAX = 1_000;

const EXTERNAL_CALENDAR = 'ExternalCalendar';

/** The global id of a calendar of a connection. */
export function externalCalendarId(connectionId: string, calendar: { id?: string | null; name?: string | null }): string {
  // A calendar Wix echoes without an id (it never should) is told apart by its name.
  const local = calendar.id ?? `name:${calendar.name ?? ''}`;
  return Buffer.from(`${EXTERNAL_CALENDAR}:${connectionId}:${local}`, 'utf8').toString('base64url');
}

/** The connection and provider calendar id of a global calendar id; undefined for any other id. */
export function decodeExternalCalendarId(id: string): { connectionId: string; calendarId: string } | undefined {
  if (!/^[\w-]+$/.test(id) || id.length > NODE_ID_MAX) return undefined;
  const text = Buffer.from(id, 'base64url').toString('utf8');
  const match = /^ExternalCalendar:([^:]+):(.+)$/s.exec(text);
  if (!match || Buffer.from(text, 'utf8').toString('base64url') !== id) return undefined;
  return { connectionId: match[1] ?? '', calendarId: match[2] ?? '' };
}

/** The calendars of a connection as GraphQL shows them: each knowing its connection (for its global id). */
export function calendarsOf(connectionId: string, calendars: readonly ExternalCalendarView[]): ExternalCalendarView[] {
  return calendars.map((calendar) => ({ ...calendar, connectionId }));
}

type NodeTypeName = 'Schedule' | 'Connection' | 'ExternalCalendar';
type Found = { type: NodeTypeName; value: ScheduleDto | ConnectionDto | ExternalCalendarView };

/** What `node` answers: the object, tagged with its type for `Node.__resolveType`. */
const typeOf = new WeakMap<object, NodeTypeName>();

/** How each type with an identity is found by id; the first that knows the id answers. */
const NODE_TYPES: ReadonlyArray<{ type: NodeTypeName; find: (id: string, context: GatewayContext) => Promise<Found['value'] | null> }> = [
  {
    type: 'ExternalCalendar',
    find: async (id, { wix }) => {
      const decoded = decodeExternalCalendarId(id);
      if (!decoded) return null;
      const calendars = await wix.externalCalendars.listCalendars(decoded.connectionId);
      const found = calendars.find((calendar) => (calendar.id ?? `name:${calendar.name ?? ''}`) === decoded.calendarId);
      return found ? { ...found, connectionId: decoded.connectionId } : null;
    },
  },
  // Wix ids: the schedule replica first (free), then Get Connection (cached).
  { type: 'Schedule', find: (id, { wix }) => wix.schedules.load(id) },
  { type: 'Connection', find: (id, { wix }) => wix.externalCalendars.getConnection(id) },
];

async function findNode(id: string, context: GatewayContext): Promise<ResolversTypes['Node'] | null> {
  if (id.length === 0 || id.length > NODE_ID_MAX) return null;
  const opaque = decodeExternalCalendarId(id) !== undefined;
  for (const { type, find } of NODE_TYPES) {
    // An opaque id names its type: it is looked up there only; a Wix id never is an opaque one.
    if (opaque !== (type === EXTERNAL_CALENDAR)) continue;
    const value = await find(id, context).catch((error: unknown) => {
      // An id Wix finds malformed for this type is simply not one of this type.
      if (error instanceof GatewayError && (error.code === ErrorCode.INVALID_ARGUMENT || error.code === ErrorCode.NOT_FOUND)) return null;
      throw error;
    });
    if (value) {
      const tagged = { ...value };
      typeOf.set(tagged, type);
      return tagged;
    }
  }
  return null;
}

export const nodeQueries: Pick<QueryResolvers, 'node' | 'nodes'> = {
  node: (_, { id }, context) => findNode(id, context),
  nodes: (_, { ids }, context) => {
    if (ids.length > NODES_MAX) throw new BadUserInputError(`Ask for at most ${NODES_MAX} ids.`, ['ids']);
    return Promise.all(ids.map((id) => findNode(id, context)));
  },
};

export const Node: NodeResolvers = {
  __resolveType: (value) => typeOf.get(value) ?? null,
};
