import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { appForFile } from '../helpers/suite.js';

/**
 * relay-compiler (21) with its documented configuration (`relay.config.json`: src, schema,
 * language), against the SDL the running gateway serves at GET /schema.graphql: a fragment with
 * `@refetchable` (needs `Node` and `Query.node`) and a paginated one with `@connection` (needs a
 * full PageInfo).
 */

const COMPILER = fileURLToPath(new URL('../../node_modules/.bin/relay-compiler', import.meta.url));

const FRAGMENTS = `import { graphql } from 'relay-runtime';

export const card = graphql\`
  fragment ScheduleCard_schedule on Schedule @refetchable(queryName: "ScheduleCardRefetchQuery") {
    id
    name
  }
\`;

export const list = graphql\`
  fragment ScheduleList_query on Query
  @argumentDefinitions(first: { type: "Int", defaultValue: 10 }, after: { type: "String" })
  @refetchable(queryName: "ScheduleListPaginationQuery") {
    schedules(first: $first, after: $after) @connection(key: "ScheduleList_schedules") {
      edges {
        node {
          id
          ...ScheduleCard_schedule
        }
      }
    }
  }
\`;

export const calendar = graphql\`
  fragment CalendarName_calendar on ExternalCalendar @refetchable(queryName: "CalendarNameRefetchQuery") {
    id
    calendarId
    name
  }
\`;
`;

function compile(cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(COMPILER, [], { cwd, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

describe('relay-compiler against the served SDL', { timeout: 90_000 }, () => {
  const app = appForFile();
  const directories: string[] = [];
  afterAll(async () => {
    for (const directory of directories) await rm(directory, { recursive: true, force: true });
  });

  it('compiles a @refetchable fragment and a @connection on schedules', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'relay-'));
    directories.push(directory);
    const response = await fetch(`${app.gateway.url}/schema.graphql`);
    expect(response.status).toBe(200);
    await writeFile(join(directory, 'schema.graphql'), await response.text());
    await writeFile(
      join(directory, 'relay.config.json'),
      JSON.stringify({ src: './src', schema: './schema.graphql', language: 'typescript' }),
    );
    await mkdir(join(directory, 'src'));
    await writeFile(join(directory, 'src', 'Schedules.ts'), FRAGMENTS);
    const { code, output } = await compile(directory);
    expect(code, output).toBe(0);
    expect((await readdir(join(directory, 'src', '__generated__'))).sort()).toEqual([
      'CalendarNameRefetchQuery.graphql.ts',
      'CalendarName_calendar.graphql.ts',
      'ScheduleCardRefetchQuery.graphql.ts',
      'ScheduleCard_schedule.graphql.ts',
      'ScheduleListPaginationQuery.graphql.ts',
      'ScheduleList_query.graphql.ts',
    ]);
  });
});
