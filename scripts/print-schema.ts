/**
 * Writes the schema artefact (`schema.graphql` at the repository root) from the executable schema;
 * with `--check`, only says whether the committed file is current (exit code 1 when it is not).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { SCHEMA_ARTIFACT_PATH, createSchema, printSchemaArtifact } from '../src/graphql/schema.js';

const printed = printSchemaArtifact(createSchema());
if (process.argv.includes('--check')) {
  let committed: string | undefined;
  try {
    committed = readFileSync(SCHEMA_ARTIFACT_PATH, 'utf8');
  } catch {
    committed = undefined;
  }
  if (committed !== printed) {
    console.error('schema.graphql is not what schema/*.graphql prints: run `npm run schema:print`.');
    process.exit(1);
  }
} else {
  writeFileSync(SCHEMA_ARTIFACT_PATH, printed);
}
