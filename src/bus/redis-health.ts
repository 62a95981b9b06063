/**
 * What the bus needs of a Redis server to keep every acknowledged webhook: Redis 7.0 or newer (the
 * scripts; an older one stops start-up), and a `maxmemory-policy` of `noeviction` (an evicting Redis may drop the stream, the
 * counter or a dedupe mark, and an acknowledged event with them). Persistence is only advised: without
 * it a Redis restart loses what it held, which the bus then detects (see the epoch).
 */

/** The fields of an INFO answer, by name. */
export function parseInfo(info: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of info.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) fields.set(line.slice(0, colon), line.slice(colon + 1).trim());
  }
  return fields;
}

/**
 * Why this Redis cannot hold the bus, or undefined when it can. `info` holds the server, memory
 * and replication sections; `waitReplicas` is how many replicas must confirm each event.
 */
export function refusalOf(info: Map<string, string>, waitReplicas: number): string | undefined {
  const policy = info.get('maxmemory_policy');
  if (policy !== undefined && policy !== 'noeviction') {
    return `Redis maxmemory-policy is ${policy}: it may evict event-bus keys and lose acknowledged webhooks; set it to noeviction`;
  }
  // `slave<n>:ip=…,state=online,…`: a replica still in its first sync cannot confirm anything yet.
  const replicas = [...info].filter(([name, value]) => /^slave\d+$/.test(name) && value.includes('state=online')).length;
  if (replicas < waitReplicas) {
    return `Redis has ${replicas} replicas online, and REDIS_WAIT_REPLICAS asks ${waitReplicas} to confirm each event`;
  }
  return undefined;
}

/** Why this Redis cannot run the bus's scripts at all (it is older than 7.0), or undefined. */
export function versionProblem(info: Map<string, string>): string | undefined {
  const version = info.get('redis_version');
  const major = Number(version?.split('.')[0]);
  return version !== undefined && Number.isFinite(major) && major < 7
    ? `Redis ${version} is too old: the event bus needs Redis 7.0 or newer`
    : undefined;
}

/**
 * A warning about persistence, or undefined when AOF is on. `save` is the RDB schedule
 * (`CONFIG GET save`), undefined when the server does not tell.
 */
export function persistenceWarning(info: Map<string, string>, save: string | undefined): string | undefined {
  if (info.get('aof_enabled') === '1') return undefined;
  if (save === '') return 'Redis persistence is off (no AOF, no RDB): a Redis restart loses every event it held and every dedupe mark';
  return `Redis AOF is off: a Redis restart loses what was acknowledged since its last RDB snapshot${save ? ` (save "${save}")` : ''}`;
}
