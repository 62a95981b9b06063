/**
 * `npm run bench`: starts each system under test in its own process on 127.0.0.1, runs the
 * scenarios one after the other, and writes bench/results.md and bench/results.json.
 */
import { fileURLToPath } from 'node:url';
import { parseOptions, USAGE, type BenchOptions, type ScenarioId } from './options.js';
import { log } from './lib/log.js';
import { describeMachine, loadNow } from './lib/machine.js';
import { writeReport } from './lib/report.js';
import type { ScenarioResult } from './lib/result.js';
import type { SystemContext } from './lib/systems.js';
import { runFanOut } from './scenarios/fan-out.js';
import { runIngest } from './scenarios/webhook-ingest.js';
import { runQueryPath } from './scenarios/query-path.js';
import { runRedis } from './scenarios/redis.js';
import { runCrowdScenario } from './scenarios/crowd.js';

const BENCH_DIR = fileURLToPath(new URL('./', import.meta.url));

const SCENARIO_RUNNERS: Record<
  ScenarioId,
  { title: string; run: (options: BenchOptions, context: SystemContext) => Promise<ScenarioResult> }
> = {
  query: { title: '1. Query path', run: runQueryPath },
  ingest: { title: '2. Webhook ingest', run: runIngest },
  fanout: { title: '3. Fan-out', run: runFanOut },
  redis: { title: '4. Two instances on Redis', run: runRedis },
  crowd: { title: '5. A crowd over Wix’s limit', run: runCrowdScenario },
};

async function main(): Promise<number> {
  let options;
  try {
    options = parseOptions(process.argv.slice(2), BENCH_DIR);
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const startedAt = Date.now();
  const machine = describeMachine();
  log(`${options.mode} run of ${options.scenarios.join(', ')} on ${machine.cpus}; load average ${machine.loadAtStart.join(', ')}`);
  const context: SystemContext = { profileDir: options.profileDir };
  const scenarios: ScenarioResult[] = [];
  let failed = false;
  for (const id of options.scenarios) {
    const { title, run } = SCENARIO_RUNNERS[id];
    log(`${title}…`);
    const scenarioStart = Date.now();
    try {
      const result = await run(options, context);
      scenarios.push(result);
      log(`${title}: ${result.skipped ? `skipped (${result.skipped})` : `done in ${Math.round((Date.now() - scenarioStart) / 1_000)} s`}`);
    } catch (error) {
      failed = true;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      log(`${title} failed: ${message}`);
      scenarios.push({ id, title, setup: '', tables: [], notes: [], skipped: `failed: ${message.split('\n')[0] ?? ''}` });
    }
  }
  machine.loadAtEnd = loadNow();
  const written = writeReport(
    { machine, mode: options.mode, options, durationSeconds: (Date.now() - startedAt) / 1_000, scenarios },
    options.outDir,
    options.outName,
  );
  log(`wrote ${written.markdown} and ${written.json} in ${Math.round((Date.now() - startedAt) / 1_000)} s`);
  return failed ? 1 : 0;
}

process.exitCode = await main();
