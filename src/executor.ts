import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { printSchema, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** How GraphQL operations over HTTP are executed. */
export type ExecutorKind = 'graphql-js' | 'jit';

/** Compiled operations kept per document (Apollo hands back the same parsed document for a repeated query). */
const COMPILED_PER_DOCUMENT_MAX = 16;

/**
 * graphql-jit behind Apollo Server 5's one seam for a custom executor, the `gateway` option: each
 * operation is compiled once into JavaScript and then run for every request that sends it, instead
 * of being interpreted by graphql-js each time. Apollo still parses, validates (with the query
 * limits) and formats errors; only execution changes. EXECUTOR=graphql-js keeps the plain path.
 */
export function jitGateway(schema: GraphQLSchema): GatewayInterface {
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | ExecutionResult>>();
  const compile = (document: DocumentNode, operationName: string | undefined) => {
    let byName = compiled.get(document);
    if (!byName) {
      byName = new Map();
      compiled.set(document, byName);
    }
    const key = operationName ?? '';
    let entry = byName.get(key);
    if (!entry) {
      entry = compileQuery(schema, document, operationName);
      if (byName.size < COMPILED_PER_DOCUMENT_MAX) byName.set(key, entry);
    }
    return entry;
  };
  return {
    async load() {
      return {
        executor: async ({ document, operationName, request, context }) => {
          const entry = compile(document, operationName ?? undefined);
          if (!isCompiledQuery(entry)) return entry;
          return entry.query(undefined, context, request.variables ?? {});
        },
      };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async stop() {},
  };
}
