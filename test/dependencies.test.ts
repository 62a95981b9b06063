import { builtinModules } from 'node:module';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Every package the code imports is declared in package.json, so nothing works only because npm
 * happened to hoist another package's dependency. What runs in the gateway (src/) needs a
 * `dependencies` entry; a type-only import and everything else (tests, benchmarks, scripts, the
 * typed client) may use `devDependencies` too.
 */
const ROOT = join(import.meta.dirname, '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const BUILTINS = new Set(builtinModules);
const SOURCE = /\.(ts|tsx|js|mjs)$/;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name === '__generated__') return [];
    return statSync(path).isDirectory() ? filesUnder(path) : SOURCE.test(name) ? [path] : [];
  });
}

interface Import {
  file: string;
  specifier: string;
  typeOnly: boolean;
}

/** Static imports and re-exports (`import type` noted), bare and dynamic imports. */
function importsOf(file: string, text: string): Import[] {
  const found: Import[] = [];
  for (const match of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;'"]*?\bfrom\s+['"]([^'"]+)['"]/gm)) {
    found.push({ file, specifier: match[3] ?? '', typeOnly: match[2] !== undefined });
  }
  for (const match of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/gm)) {
    found.push({ file, specifier: match[1] ?? match[2] ?? '', typeOnly: false });
  }
  return found;
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`; undefined for relative, absolute and built-in modules. */
function packageOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) return undefined;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? '');
  return BUILTINS.has(name) ? undefined : name;
}

function undeclared(dirs: string[], runtime: boolean): string[] {
  return dirs
    .flatMap((dir) => filesUnder(join(ROOT, dir)))
    .filter((file) => file !== import.meta.filename) // its own examples below are not imports
    .flatMap((file) => importsOf(file, readFileSync(file, 'utf8')))
    .flatMap(({ file, specifier, typeOnly }) => {
      const name = packageOf(specifier);
      if (name === undefined || name in manifest.dependencies) return [];
      if ((!runtime || typeOnly) && name in manifest.devDependencies) return [];
      return [`${relative(ROOT, file)}: ${specifier}`];
    });
}

describe('package.json', () => {
  it('declares in dependencies every package the gateway imports at run time', () => {
    expect(undeclared(['src'], true)).toEqual([]);
  });

  it('declares every package the tests, benchmarks, scripts and typed client import', () => {
    expect(undeclared(['test', 'bench', 'scripts', 'client'], false)).toEqual([]);
  });

  it('is checked by a scan that sees every form of import', () => {
    const text = [
      "import { a } from 'pkg-a';",
      "import type { B } from '@scope/pkg-b/sub';",
      'import {\n  c,\n  d,\n} from "pkg-c";',
      "export { e } from 'pkg-e';",
      "import 'pkg-side-effect';",
      "const f = await import('pkg-f');",
      "import { g } from './local.js';",
      "import { h } from 'node:fs';",
    ].join('\n');
    const found = importsOf('x.ts', text).map(({ specifier, typeOnly }) => [packageOf(specifier), typeOnly]);
    expect(found).toEqual([
      ['pkg-a', false],
      ['@scope/pkg-b', true],
      ['pkg-c', false],
      ['pkg-e', false],
      [undefined, false],
      [undefined, false],
      ['pkg-side-effect', false],
      ['pkg-f', false],
    ]);
  });
});
