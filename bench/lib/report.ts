import { mkdirSync, writeFileSync } from 'node:fs';
import type { BenchOptions } from '../options.js';
import type { Machine } from './machine.js';
import type { Cell, Column, ScenarioResult, Table } from './result.js';

export interface Report {
  machine: Machine;
  mode: BenchOptions['mode'];
  options: BenchOptions;
  durationSeconds: number;
  scenarios: ScenarioResult[];
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function formatCell(value: Cell | undefined, format: Column['format']): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'string') return value.replace(/\|/g, '\\|');
  if (!Number.isFinite(value)) return '—';
  switch (format) {
    case 'int':
      return integer.format(value);
    case 'ms':
      return value < 10 ? value.toFixed(1) : integer.format(value);
    case 'ratio':
      return `${value.toFixed(2)}×`;
    case 'percent':
      return `${Math.round(value * 100)}%`;
    case 'kb':
      return `${value.toFixed(1)} KB`;
    case 'mb':
      return `${integer.format(value)} MB`;
    case 'text':
    case undefined:
      return String(value);
    default: {
      const unknown: never = format;
      return String(unknown);
    }
  }
}

function table(result: Table): string {
  const header = `| ${result.columns.map((column) => column.label).join(' | ')} |`;
  const rule = `|${result.columns.map((column) => (column.format === 'text' ? '---' : '---:')).join('|')}|`;
  const rows = result.rows.map((row) => `| ${result.columns.map((column) => formatCell(row[column.key], column.format)).join(' | ')} |`);
  return [header, rule, ...rows].join('\n');
}

/** Measurements taken twice in the run (same name in two scenarios): how far apart noise puts them. */
function repeated(scenarios: readonly ScenarioResult[]): string[] {
  const seen = new Map<string, { scenario: string; value: number }[]>();
  for (const scenario of scenarios) {
    for (const [name, value] of Object.entries(scenario.repeats ?? {})) {
      seen.set(name, [...(seen.get(name) ?? []), { scenario: scenario.title.split(' ')[0] ?? scenario.id, value }]);
    }
  }
  return [...seen.entries()]
    .filter(([, values]) => values.length > 1)
    .map(([name, values]) => `${name}: ${values.map(({ scenario, value }) => `${integer.format(value)} (${scenario})`).join(' and ')}`);
}

export function toMarkdown(report: Report): string {
  const { machine } = report;
  const twice = repeated(report.scenarios);
  const lines = [
    '# Benchmark results',
    '',
    `${report.mode === 'quick' ? 'Quick run (`npm run bench -- --quick`): small numbers, a smoke test, not results.' : 'Full run of `npm run bench`.'} ` +
      'Every system under test ran in its own process on 127.0.0.1, the load generator in the runner on the same machine. ' +
      'Machines like this one are shared and noisy: compare the rows of one run (the ratios), not numbers across runs. ' +
      'The "other work · steal" columns say how much CPU, in shares of one core, other processes used and the hypervisor took while each row was measured. ' +
      'See [README.md](README.md) for how to read the tables.',
    '',
    '| | |',
    '|---|---|',
    `| date | ${machine.date} (${Math.round(report.durationSeconds)} s in all) |`,
    `| machine | ${machine.cpus}, ${machine.memoryGiB} GiB, ${machine.os} |`,
    `| load average (1, 5, 15 min) | ${machine.loadAtStart.join(', ')} at the start; ${machine.loadAtEnd?.join(', ') ?? '?'} at the end |`,
    `| Node | ${machine.node} |`,
    `| packages | ${Object.entries(machine.packages)
      .map(([name, version]) => `${name} ${version}`)
      .join(', ')} |`,
    `| redis-server | ${machine.redisServer ?? 'not installed'} |`,
    `| commit | ${machine.commit ?? 'unknown'} |`,
    ...(twice.length > 0 ? [`| measured twice (noise) | ${twice.join('; ')} |`] : []),
    '',
  ];
  for (const result of report.scenarios) {
    lines.push(`## ${result.title}`, '');
    if (result.skipped) {
      lines.push(`Skipped: ${result.skipped}`, '');
      continue;
    }
    lines.push(result.setup, '');
    for (const part of result.tables) {
      if (part.caption) lines.push(part.caption, '');
      lines.push(table(part), '');
    }
    for (const note of result.notes) lines.push(`- ${note}`);
    if (result.notes.length > 0) lines.push('');
  }
  return lines.join('\n');
}

export function writeReport(report: Report, outDir: string, name: string): { markdown: string; json: string } {
  mkdirSync(outDir, { recursive: true });
  const markdown = `${outDir.replace(/\/?$/, '/')}${name}.md`;
  const json = `${outDir.replace(/\/?$/, '/')}${name}.json`;
  writeFileSync(markdown, toMarkdown(report));
  writeFileSync(json, `${JSON.stringify(report, null, 2)}\n`);
  return { markdown, json };
}
