import { describe, expect, it } from 'vitest';
import { parseInfo, persistenceWarning, refusalOf, versionProblem } from '../../src/bus/redis-health.js';

const info = (lines: string[]) => parseInfo(['# Server', ...lines, ''].join('\r\n'));

describe('what the Redis bus asks of a Redis server', () => {
  it('needs Redis 7.0 or newer', () => {
    expect(versionProblem(info(['redis_version:6.2.14']))).toMatch(/6\.2\.14 is too old/);
    expect(versionProblem(info(['redis_version:7.0.15']))).toBeUndefined();
  });

  it('refuses every maxmemory-policy but noeviction', () => {
    expect(refusalOf(info(['maxmemory_policy:noeviction']), 0)).toBeUndefined();
    for (const policy of ['allkeys-lru', 'volatile-lru', 'allkeys-lfu', 'volatile-ttl', 'allkeys-random']) {
      expect(refusalOf(info([`maxmemory_policy:${policy}`]), 0)).toMatch(new RegExp(`maxmemory-policy is ${policy}`));
    }
  });

  it('counts only the replicas online against REDIS_WAIT_REPLICAS', () => {
    const replicas = [
      'maxmemory_policy:noeviction',
      'connected_slaves:2',
      'slave0:ip=10.0.0.2,port=6379,state=online,offset=120,lag=0',
      'slave1:ip=10.0.0.3,port=6379,state=wait_bgsave,offset=0,lag=0',
    ];
    expect(refusalOf(info(replicas), 1)).toBeUndefined();
    expect(refusalOf(info(replicas), 2)).toMatch(/1 replicas online, and REDIS_WAIT_REPLICAS asks 2/);
  });

  it('warns when AOF is off, saying what a restart loses', () => {
    expect(persistenceWarning(info(['aof_enabled:1']), '')).toBeUndefined();
    expect(persistenceWarning(info(['aof_enabled:0']), '')).toMatch(/persistence is off/);
    expect(persistenceWarning(info(['aof_enabled:0']), '3600 1')).toMatch(/since its last RDB snapshot \(save "3600 1"\)/);
    expect(persistenceWarning(info(['aof_enabled:0']), undefined)).toMatch(/AOF is off/);
  });
});
