import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { printSchema, type GraphQLSchema } from 'graphql';
import { assetDirectory } from '../infra/assets.js';
import { resolvers } from '../resolvers/index.js';

const SCHEMA_DIR = fileURLToPath(assetDirectory('schema/'));

/** The SDL files, one per domain, in a stable order. */
export function loadTypeDefs(): string[] {
  return readdirSync(SCHEMA_DIR)
    .filter((name) => name.endsWith('.graphql'))
    .sort()
    .map((name) => readFileSync(`${SCHEMA_DIR}${name}`, 'utf8'));
}

/** One executable schema, served over HTTP and WebSocket alike. */
export function createSchema(): GraphQLSchema {
  return makeExecutableSchema({ typeDefs: loadTypeDefs(), resolvers });
}

/** Where the schema artefact is committed, at the repository root. */
export const SCHEMA_ARTIFACT_PATH = fileURLToPath(new URL('../../schema.graphql', import.meta.url));

/**
 * The schema artefact: the whole executable schema as one SDL document, with its descriptions and
 * the directives it uses (`@oneOf`, `@specifiedBy`, `@deprecated`). Committed as `schema.graphql`
 * (`npm run schema:print`) and served at `GET /schema.graphql` while introspection is on.
 */
export function printSchemaArtifact(schema: GraphQLSchema): string {
  return `# Generated from schema/*.graphql by \`npm run schema:print\`: do not edit.\n\n${printSchema(schema)}\n`;
}
