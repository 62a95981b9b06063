import { existsSync } from 'node:fs';

/**
 * Where the files the gateway reads at run time live: the SDL (`schema/`), the client operations
 * (`client/operations/`) and the browser pages (`src/explorers/public/`).
 *
 * From source (tsx runs src/) they are read where they live in the repository. `npm run build`
 * copies them into `dist/assets/` under the same relative paths (scripts/copy-assets.ts), so a
 * `dist/` with production dependencies needs nothing else from the repository.
 */
const CODE_ROOT = new URL('../', import.meta.url);
const BUILT_ASSETS = new URL('assets/', CODE_ROOT);
const ASSET_ROOT = existsSync(BUILT_ASSETS) ? BUILT_ASSETS : new URL('../', CODE_ROOT);

/** The repository-relative directories the build copies into `dist/assets/`. */
export const ASSET_DIRECTORIES = ['schema/', 'client/operations/', 'src/explorers/public/'] as const;

export type AssetDirectory = (typeof ASSET_DIRECTORIES)[number];

/** A file URL (ending in `/`) of one of the asset directories. */
export function assetDirectory(directory: AssetDirectory): URL {
  return new URL(directory, ASSET_ROOT);
}
