import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEMO_SCHEDULE_IDS } from '../../src/emulator/index.js';
import { startTestApp } from '../helpers/app.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Runs a command from the repository root; answers its exit code and everything it printed. */
function run(command: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, timeout: 90_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

describe('typed client documents in client/', { timeout: 120_000 }, () => {
  it('are up to date with schema/*.graphql and client/operations/*.graphql (graphql-codegen --check)', async () => {
    const { code, output } = await run('node_modules/.bin/graphql-codegen', ['--config', 'client/codegen.ts', '--check', '--silent']);
    expect(code, `${output}\nRegenerate with: npx graphql-codegen --config client/codegen.ts`).toBe(0);
  });

  it('compile, with the example using them, under strict TypeScript', async () => {
    const { code, output } = await run('node_modules/.bin/tsc', ['-p', 'client/tsconfig.json', '--noEmit']);
    expect(code, output).toBe(0);
  });

  it('drive the gateway: the example renames a schedule and receives its scheduleUpdated event', async () => {
    const app = await startTestApp();
    try {
      const { code, output } = await run(process.execPath, ['--import', 'tsx', 'client/example.ts', app.gateway.url]);
      expect(code, output).toBe(0);
      expect(output).toMatch(
        /renamed to “Harbor Studio — Business hours ✓”, revision \d+\nscheduleUpdated: “Harbor Studio — Business hours ✓”/,
      );
      const read = await app.graphql<{ schedule: { name: string } }>('query($id: ID!) { schedule(id: $id) { name } }', {
        id: DEMO_SCHEDULE_IDS.business,
      });
      expect(read.data?.schedule.name).toBe('Harbor Studio — Business hours ✓');
    } finally {
      await app.close();
    }
  });
});
