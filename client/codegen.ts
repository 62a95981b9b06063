import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Typed documents for frontend code, from the operations in client/operations/ and the gateway's
 * schema. Run from the repository root: `npx graphql-codegen --config client/codegen.ts`.
 * The test suite runs it with `--check`, so a schema change that breaks an operation fails CI.
 */
const config: CodegenConfig = {
  overwrite: true,
  schema: 'schema/*.graphql',
  documents: 'client/operations/*.graphql',
  ignoreNoDocuments: false,
  generates: {
    'client/__generated__/': {
      preset: 'client',
      presetConfig: {
        // Results are plain typed objects; no useFragment() unmasking step for readers of the example.
        fragmentMasking: false,
      },
      config: {
        useTypeImports: true,
        // Relative imports with `.js`, so the output works under Node ESM as well as in bundlers.
        emitLegacyCommonJSImports: false,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: {
          DateTime: 'string',
          JSON: 'unknown',
        },
      },
    },
    // Apollo Client's possibleTypes: which types each union and interface can be, so that a fragment
    // on ImportSource or ScheduleEvent keeps its fields in InMemoryCache (see client/apollo-cache.ts).
    'client/__generated__/possible-types.ts': {
      plugins: ['fragment-matcher'],
      config: { apolloClientVersion: 3, useExplicitTyping: true },
    },
  },
};

export default config;
