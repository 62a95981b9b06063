/**
 * Compiles src/ into a self-contained output directory (default `dist/`): the JavaScript from
 * tsconfig.build.json, and under `assets/` the files the gateway reads at run time (the SDL, the
 * client operations, the browser pages; see src/infra/assets.ts). With this directory, package.json,
 * package-lock.json and `npm ci --omit=dev`, `node <out>/main.js` runs.
 *
 *   node --import tsx scripts/build.ts [out-dir]
 *
 * `npm run build` runs graphql-codegen first, then this script into `dist/`.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ASSET_DIRECTORIES } from '../src/infra/assets.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const outDir = resolve(ROOT, process.argv[2] ?? 'dist');

// Starts empty, so nothing compiled from a file since deleted is shipped.
rmSync(outDir, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const compiled = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT, stdio: 'inherit' });
if (compiled.status !== 0) {
  process.exitCode = compiled.status ?? 1;
} else {
  for (const directory of ASSET_DIRECTORIES) {
    cpSync(resolve(ROOT, directory), resolve(outDir, 'assets', directory), { recursive: true });
  }
}
