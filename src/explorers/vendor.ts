import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/**
 * Browser builds the pages load, served straight from the installed npm packages (never copied
 * into the repository), by the name they are requested under in /explorers/vendor/.
 */
const VENDOR_FILES = {
  'graphql-ws.min.js': ['graphql-ws', 'umd/graphql-ws.min.js'],
  'react.production.min.js': ['react', 'umd/react.production.min.js'],
  'react-dom.production.min.js': ['react-dom', 'umd/react-dom.production.min.js'],
  'graphiql.min.js': ['graphiql', 'graphiql.min.js'],
  'graphiql.min.js.map': ['graphiql', 'graphiql.min.js.map'],
  'graphiql.min.css': ['graphiql', 'graphiql.min.css'],
  'graphiql.min.css.map': ['graphiql', 'graphiql.min.css.map'],
} as const satisfies Record<string, readonly [string, string]>;

export type VendorFile = keyof typeof VENDOR_FILES;

/**
 * Absolute paths of the vendor files. Packages whose `exports` hide their UMD folder still expose
 * `package.json`, so each file is found from its package's root.
 */
export function resolveVendorFiles(): Map<string, string> {
  return new Map(
    Object.entries(VENDOR_FILES).map(([name, [pkg, file]]) => [name, join(dirname(require.resolve(`${pkg}/package.json`)), file)]),
  );
}
