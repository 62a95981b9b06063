import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { benchmarkPids } from './processes.js';

/** Linux counts CPU time in USER_HZ ticks, 100 per second everywhere in practice. */
const TICK_MS = 10;

/** CPU that was not the benchmark's while a measurement ran, in shares of one core. */
export interface Noise {
  /** Used by processes other than the runner and the systems it started. */
  otherWork: number;
  /** Taken by the hypervisor for other machines (the `steal` of /proc/stat). */
  steal: number;
}

interface Sample {
  at: number;
  busyMs: number;
  stealMs: number;
  oursMs: number;
}

function machineTimes(): { busyMs: number; stealMs: number } {
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '')
    .trim()
    .split(/\s+/)
    .slice(1)
    .map(Number);
  return { busyMs: (user + nice + system + irq + softirq) * TICK_MS, stealMs: steal * TICK_MS };
}

/** utime + stime of a process (all its threads), or 0 when it is gone. */
function processMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

function sample(): Sample | undefined {
  try {
    const { busyMs, stealMs } = machineTimes();
    const oursMs = benchmarkPids().reduce((sum, pid) => sum + processMs(pid), 0);
    return { at: performance.now(), busyMs, stealMs, oursMs };
  } catch {
    return undefined; // not Linux
  }
}

/** Starts watching; the function it returns tells what other work ran meanwhile (null off Linux). */
export function watchNoise(): () => Noise | null {
  const before = sample();
  return () => {
    const after = sample();
    if (!before || !after || after.at <= before.at) return null;
    const wallMs = after.at - before.at;
    const other = after.busyMs - before.busyMs - (after.oursMs - before.oursMs);
    return { otherWork: Math.max(0, other) / wallMs, steal: (after.stealMs - before.stealMs) / wallMs };
  };
}

export function formatNoise(noise: Noise | null): string {
  return noise ? `${Math.round(noise.otherWork * 100)}% · ${Math.round(noise.steal * 100)}%` : '—';
}
