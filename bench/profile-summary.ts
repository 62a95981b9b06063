/**
 * Where a system under test spent its CPU: self time by package (or project file) and by function,
 * from the V8 profiles `npm run bench -- --profile` writes. Usage:
 *   node --import tsx bench/profile-summary.ts bench/profiles/gateway-fanout-1000.cpuprofile [top]
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** `node_modules/<package>`, a project file, `node:` internals, or V8's pseudo-frames. */
function ownerOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1] ?? url;
  if (url.startsWith('node:')) return url;
  const project = /\/(src|bench)\/(.+)$/.exec(url);
  return project ? `${project[1]}/${project[2]}` : url;
}

function table(title: string, totals: Map<string, number>, all: number, top: number): string {
  const rows = [...totals.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return [
    title,
    ...rows.map(
      ([name, micros]) => `${((micros / all) * 100).toFixed(1).padStart(5)}%  ${(micros / 1_000).toFixed(0).padStart(7)} ms  ${name}`,
    ),
  ].join('\n');
}

const [file, topArgument] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: node --import tsx bench/profile-summary.ts <file.cpuprofile> [top]\n');
  process.exit(2);
}
const top = Number(topArgument ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const byOwner = new Map<string, number>();
const byFunction = new Map<string, number>();
let all = 0;
let idle = 0;
profile.samples.forEach((id, index) => {
  const micros = profile.timeDeltas[index] ?? 0;
  const node = byId.get(id);
  if (!node) return;
  const { functionName, url, lineNumber } = node.callFrame;
  if (functionName === '(idle)') {
    idle += micros;
    return;
  }
  all += micros;
  const owner = ownerOf(url, functionName);
  byOwner.set(owner, (byOwner.get(owner) ?? 0) + micros);
  const name = `${functionName || '(anonymous)'}  ${owner}${url ? `:${lineNumber + 1}` : ''}`;
  byFunction.set(name, (byFunction.get(name) ?? 0) + micros);
});
process.stdout.write(
  `${file}: ${(all / 1_000).toFixed(0)} ms busy, ${(idle / 1_000).toFixed(0)} ms idle\n\n` +
    `${table('self time by package / file', byOwner, all, top)}\n\n${table('self time by function', byFunction, all, top)}\n`,
);
