import { z } from 'zod';
import { BadUserInputError } from '../infra/errors.js';

/**
 * GraphQL-native (Relay) paging over Wix's cursor paging.
 *
 * Wix hands out one cursor per page (`pagingMetadata.cursors.next`), while a Relay connection has
 * one per item. So a gateway cursor names the Wix page an item is on and how many items of it to
 * skip: `{ page: <Wix cursor, or the filter for the first page>, skip }`. The last item of a page
 * that has a next page gets the plain Wix next cursor (skip 0), so walking with `endCursor` sends
 * Wix exactly what it expects: the cursor (plus the limit) and never the filter again. Resuming
 * after an item in the middle of a page fetches that page again with `limit = skip + first` and
 * drops the first `skip` items. Cursors are opaque base64url JSON, tagged with the list they
 * belong to so one list's cursor fed to another is refused.
 */

/** One page as Wix answers it. */
export interface WixPage<T> {
  items: readonly T[];
  /** Wix's cursor to the page after this one, if it gave one. */
  nextCursor: string | null | undefined;
  hasNext: boolean;
}

/** How to fetch a page: with Wix's cursor, or (the first page) with the filter. */
export type PageRef<F> = { cursor: string } | { filter: F };

export interface PagePosition<F> {
  page: PageRef<F>;
  /** Items of that page to leave out: they were on an earlier page of the client's walk. */
  skip: number;
}

export interface ListSpec<F> {
  /** Tags this list's cursors, e.g. `schedules`. */
  kind: string;
  /** Checks a filter read back from a cursor (a client may have hand-edited it). */
  filter: z.ZodType<F>;
  /** Largest page Wix serves for this list. */
  maxPageSize: number;
}

export interface Edge<T> {
  node: T;
  cursor: string;
}

export interface Page<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
}

/**
 * Relay's PageInfo. Lists page forward only (`first`/`after`): `hasPreviousPage` is false, as the
 * Relay connection spec allows for forward paging; `startCursor` is the first edge's cursor.
 */
export interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
  hasPreviousPage: boolean;
  startCursor: string | null;
}

function pageInfo<T>(edges: readonly Edge<T>[], hasNextPage: boolean, endCursor: string | null): PageInfo {
  return { hasNextPage, endCursor, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null };
}

/** `first`, checked before any upstream call: 1 to the list's maximum. */
export function readPageSize(first: number | null | undefined, spec: ListSpec<unknown>, defaultSize: number): number {
  const size = first ?? defaultSize;
  if (!Number.isInteger(size) || size < 1 || size > spec.maxPageSize) {
    throw new BadUserInputError(`first must be between 1 and ${spec.maxPageSize}.`, ['first']);
  }
  return size;
}

interface CursorPayload {
  k: string;
  c?: string;
  f?: unknown;
  s: number;
}

function encodeCursor<F>(kind: string, position: PagePosition<F>): string {
  const payload: CursorPayload =
    'cursor' in position.page
      ? { k: kind, c: position.page.cursor, s: position.skip }
      : { k: kind, f: position.page.filter, s: position.skip };
  return Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
}

/** The position an `after` cursor stands for; a cursor that is not one of this list's is `BAD_USER_INPUT`. */
export function readAfter<F>(spec: ListSpec<F>, after: string | null | undefined): PagePosition<F> | undefined {
  if (after === null || after === undefined) return undefined;
  const invalid = () => new BadUserInputError('after is not a cursor of this list: pass a cursor this list returned.', ['after']);
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  const shape = z
    .object({
      k: z.literal(spec.kind),
      c: z.string().min(1).optional(),
      f: spec.filter.optional(),
      s: z.number().int().min(0).max(spec.maxPageSize),
    })
    .strict()
    .safeParse(decoded);
  if (!shape.success) throw invalid();
  const { c, f, s } = shape.data;
  if (c !== undefined && f === undefined) return { page: { cursor: c }, skip: s };
  if (c === undefined && f !== undefined) return { page: { filter: f }, skip: s };
  throw invalid();
}

/**
 * Fetches the page at `position` and shapes it as a connection of at most `first` edges. A
 * resumed page can come out shorter than `first` when `skip + first` exceeds Wix's largest page;
 * `hasNextPage` and `endCursor` still lead on.
 */
export async function fetchPage<F, T>(
  spec: ListSpec<F>,
  position: PagePosition<F>,
  first: number,
  fetch: (page: PageRef<F>, limit: number) => Promise<WixPage<T>>,
): Promise<Page<T>> {
  const limit = Math.min(position.skip + first, spec.maxPageSize);
  const page = await fetch(position.page, limit);
  const items = page.items.slice(0, limit);
  const next = page.hasNext && page.nextCursor ? page.nextCursor : undefined;
  const edges: Edge<T>[] = [];
  for (let index = position.skip; index < items.length; index += 1) {
    const node = items[index] as T;
    const atEnd = index === items.length - 1;
    const after: PagePosition<F> = atEnd && next ? { page: { cursor: next }, skip: 0 } : { page: position.page, skip: index + 1 };
    edges.push({ node, cursor: encodeCursor(spec.kind, after) });
  }
  const endCursor = edges.at(-1)?.cursor ?? (next ? encodeCursor(spec.kind, { page: { cursor: next }, skip: 0 }) : null);
  return { edges, pageInfo: pageInfo(edges, page.hasNext, endCursor) };
}

/**
 * Paging over a list the gateway holds whole (the schedule replica): a cursor names the list's
 * filter and the id of the item it stands after, so a walk continues right after that item
 * whatever changed before it. Same opaque form and same `k` tag as the Wix-page cursors above.
 */
interface HeldCursorPayload {
  k: string;
  f: unknown;
  a: string;
}

export interface HeldPosition<F> {
  filter: F;
  /** Id of the item the page starts after. */
  afterId: string;
}

/** The position of a held-list cursor; undefined when `after` is not one (it may be a Wix-page cursor). */
export function readHeldAfter<F>(spec: ListSpec<F>, after: string | null | undefined): HeldPosition<F> | undefined {
  if (after === null || after === undefined) return undefined;
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  const shape = z
    .object({ k: z.literal(spec.kind), f: spec.filter, a: z.string().min(1).max(1_000) })
    .strict()
    .safeParse(decoded);
  return shape.success ? { filter: shape.data.f, afterId: shape.data.a } : undefined;
}

/** One page of a held list, `first` items after `afterId` (from the start without it). */
export function pageOfHeld<F, T extends { id: string }>(
  spec: ListSpec<F>,
  filter: F,
  items: readonly T[],
  first: number,
  afterId: string | undefined,
): Page<T> {
  let start = 0;
  if (afterId !== undefined) {
    const index = items.findIndex((item) => item.id === afterId);
    // The item left the list (say, its status no longer matches): the walk cannot continue exactly.
    if (index < 0) throw new BadUserInputError('after names an item no longer in this list: start again without after.', ['after']);
    start = index + 1;
  }
  const slice = items.slice(start, start + first);
  const cursorAt = (id: string) =>
    Buffer.from(JSON.stringify({ k: spec.kind, f: filter, a: id } satisfies HeldCursorPayload), 'utf8').toString('base64url');
  const edges = slice.map((node) => ({ node, cursor: cursorAt(node.id) }));
  return {
    edges,
    pageInfo: pageInfo(edges, start + first < items.length, edges.at(-1)?.cursor ?? (afterId ? cursorAt(afterId) : null)),
  };
}
