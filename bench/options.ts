import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

export const SCENARIOS = ['query', 'ingest', 'fanout', 'redis', 'crowd'] as const;
export type ScenarioId = (typeof SCENARIOS)[number];

export const FAN_OUT_SYSTEMS = ['gateway', 'unshared', 'bare'] as const;
export type FanOutSystem = (typeof FAN_OUT_SYSTEMS)[number];

export interface FanOutSize {
  subscribers: number;
  /** Webhooks per second. */
  rate: number;
}

export interface BenchOptions {
  mode: 'full' | 'quick';
  scenarios: ScenarioId[];
  /** Where results.md / results.json (or results-quick.*) go. */
  outDir: string;
  outName: string;
  /** When set, every system under test writes a V8 CPU profile there. */
  profileDir: string | undefined;
  /** Worker threads carrying the subscriber sockets (and signing webhooks). */
  clientThreads: number;
  query: { schedules: number; connectionsPerSchedule: number; connections: number; warmupSeconds: number; seconds: number };
  ingest: { connections: number; warmup: number; webhooks: number; subscribers: number[]; schedules: number };
  fanout: {
    sizes: FanOutSize[];
    seconds: number;
    /** Which systems the fan-out scenario runs. */
    systems: FanOutSystem[];
    /** Throughput at saturation: webhooks faster than any system delivers them; none when subscribers is 0. */
    saturation: FanOutSize & { seconds: number };
  };
  redis: { subscribers: number; rate: number; seconds: number };
  /** The crowd over Wix's limit: readers, and seconds per system. */
  crowd: { readers: number; seconds: number };
}

const FULL: Omit<BenchOptions, 'mode' | 'scenarios' | 'outDir' | 'outName' | 'profileDir' | 'clientThreads'> = {
  query: { schedules: 30, connectionsPerSchedule: 2, connections: 10, warmupSeconds: 5, seconds: 20 },
  ingest: { connections: 25, warmup: 2_000, webhooks: 15_000, subscribers: [0, 1_000], schedules: 1_000 },
  fanout: {
    sizes: [
      { subscribers: 1_000, rate: 5 },
      { subscribers: 5_000, rate: 2 },
      { subscribers: 10_000, rate: 1 },
    ],
    seconds: 20,
    systems: [...FAN_OUT_SYSTEMS],
    saturation: { subscribers: 10_000, rate: 10, seconds: 3 },
  },
  redis: { subscribers: 1_000, rate: 5, seconds: 20 },
  crowd: { readers: 40, seconds: 75 },
};

/** A couple of minutes: small numbers, to see that everything runs (not to read the numbers). */
const QUICK: typeof FULL = {
  query: { schedules: 30, connectionsPerSchedule: 2, connections: 10, warmupSeconds: 1, seconds: 3 },
  ingest: { connections: 10, warmup: 100, webhooks: 500, subscribers: [0, 200], schedules: 1_000 },
  fanout: {
    sizes: [{ subscribers: 200, rate: 10 }],
    seconds: 3,
    systems: [...FAN_OUT_SYSTEMS],
    saturation: { subscribers: 200, rate: 100, seconds: 2 },
  },
  redis: { subscribers: 200, rate: 10, seconds: 3 },
  crowd: { readers: 10, seconds: 10 },
};

export const USAGE = `npm run bench -- [options]

  --quick                   a couple of minutes, small numbers (writes results-quick.*)
  --only=query,ingest,fanout,redis,crowd   scenarios to run (default: all)
  --out=DIR                 where to write results.md / results.json (default: bench/)
  --profile                 write a V8 CPU profile of each system under test to bench/profiles/
  --client-threads=N        worker threads for subscriber sockets (default: 2)
  --query-seconds=N         measured seconds per system on the query path
  --query-connections=N     concurrent HTTP connections on the query path
  --ingest-webhooks=N       signed webhooks per ingest run (after a warm-up)
  --ingest-subscribers=LIST subscriber counts for ingest, e.g. 0,1000
  --fanout=LIST             subscribers@webhooks-per-second, e.g. 1000@5,5000@2,10000@1
  --fanout-seconds=N        seconds of webhooks per fan-out run
  --fanout-systems=LIST     fan-out systems to run: gateway,unshared,bare (default: all)
  --saturation=N@R          fan-out at saturation: N subscribers, R webhooks/s (0@0: skip)
  --saturation-seconds=N    seconds of webhooks at saturation
  --redis-subscribers=N     --redis-rate=N   --redis-seconds=N
  --crowd-readers=N         --crowd-seconds=N   (the crowd over Wix's limit of calls a minute)
`;

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new Error(`--${name} must be a whole number, got ${value}`);
  return number;
}

function list(name: string, value: string | undefined, fallback: number[]): number[] {
  if (value === undefined) return fallback;
  return value.split(',').map((item) => positive(name, item.trim(), 0));
}

function sizes(name: string, value: string | undefined, fallback: FanOutSize[]): FanOutSize[] {
  if (value === undefined) return fallback;
  return value.split(',').map((item) => {
    const match = /^(\d+)@(\d+(?:\.\d+)?)$/.exec(item.trim());
    if (!match) throw new Error(`--${name} takes subscribers@rate items, e.g. 1000@10; got ${item}`);
    return { subscribers: Number(match[1]), rate: Number(match[2]) };
  });
}

/** One subscribers@rate size. */
function size(name: string, value: string | undefined, fallback: FanOutSize): FanOutSize {
  const [only, ...more] = sizes(name, value, [fallback]);
  if (!only || more.length > 0) throw new Error(`--${name} takes one subscribers@rate, e.g. 10000@10; got ${value}`);
  return only;
}

function fanOutSystems(value: string | undefined, fallback: FanOutSystem[]): FanOutSystem[] {
  if (value === undefined) return fallback;
  return value.split(',').map((item) => {
    const name = item.trim();
    if (!(FAN_OUT_SYSTEMS as readonly string[]).includes(name))
      throw new Error(`--fanout-systems: unknown system ${name} (known: ${FAN_OUT_SYSTEMS.join(', ')})`);
    return name as FanOutSystem;
  });
}

export function parseOptions(argv: string[], benchDir: string): BenchOptions | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      help: { type: 'boolean' },
      quick: { type: 'boolean' },
      only: { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'boolean' },
      'client-threads': { type: 'string' },
      'query-seconds': { type: 'string' },
      'query-connections': { type: 'string' },
      'ingest-webhooks': { type: 'string' },
      'ingest-subscribers': { type: 'string' },
      fanout: { type: 'string' },
      'fanout-seconds': { type: 'string' },
      'fanout-systems': { type: 'string' },
      saturation: { type: 'string' },
      'saturation-seconds': { type: 'string' },
      'redis-subscribers': { type: 'string' },
      'redis-rate': { type: 'string' },
      'redis-seconds': { type: 'string' },
      'crowd-readers': { type: 'string' },
      'crowd-seconds': { type: 'string' },
    },
  });
  if (values.help) return 'help';
  const base = values.quick ? QUICK : FULL;
  const scenarios = values.only === undefined ? [...SCENARIOS] : values.only.split(',').map((name) => name.trim());
  for (const name of scenarios) {
    if (!(SCENARIOS as readonly string[]).includes(name))
      throw new Error(`--only: unknown scenario ${name} (known: ${SCENARIOS.join(', ')})`);
  }
  return {
    mode: values.quick ? 'quick' : 'full',
    scenarios: scenarios as ScenarioId[],
    outDir: values.out ?? benchDir,
    outName: values.quick ? 'results-quick' : 'results',
    profileDir: values.profile ? `${benchDir}profiles` : undefined,
    clientThreads: positive('client-threads', values['client-threads'], Math.min(2, availableParallelism())) || 1,
    query: {
      ...base.query,
      seconds: positive('query-seconds', values['query-seconds'], base.query.seconds),
      connections: positive('query-connections', values['query-connections'], base.query.connections),
    },
    ingest: {
      ...base.ingest,
      webhooks: positive('ingest-webhooks', values['ingest-webhooks'], base.ingest.webhooks),
      subscribers: list('ingest-subscribers', values['ingest-subscribers'], base.ingest.subscribers),
    },
    fanout: {
      sizes: sizes('fanout', values.fanout, base.fanout.sizes),
      seconds: positive('fanout-seconds', values['fanout-seconds'], base.fanout.seconds),
      systems: fanOutSystems(values['fanout-systems'], base.fanout.systems),
      saturation: {
        ...size('saturation', values.saturation, base.fanout.saturation),
        seconds: positive('saturation-seconds', values['saturation-seconds'], base.fanout.saturation.seconds),
      },
    },
    redis: {
      ...base.redis,
      subscribers: positive('redis-subscribers', values['redis-subscribers'], base.redis.subscribers),
      rate: positive('redis-rate', values['redis-rate'], base.redis.rate),
      seconds: positive('redis-seconds', values['redis-seconds'], base.redis.seconds),
    },
    crowd: {
      readers: positive('crowd-readers', values['crowd-readers'], base.crowd.readers),
      seconds: positive('crowd-seconds', values['crowd-seconds'], base.crowd.seconds),
    },
  };
}
