import type { GatewayInterface } from '@apollo/server-gateway-interface';
import {
  execute,
  getVariableValues,
  GraphQLError,
  OperationTypeNode,
  printSchema,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** How GraphQL operations over HTTP are executed. */
export type ExecutorKind = 'graphql-js' | 'jit';

/** Compiled operations kept per document (Apollo hands back the same parsed document for a repeated query). */
const COMPILED_PER_DOCUMENT_MAX = 16;

/** What graphql-js `execute` allows before it stops collecting variable errors. */
const VARIABLE_ERRORS_MAX = 50;

/**
 * graphql-jit behind Apollo Server 5's one seam for a custom executor, the `gateway` option: each
 * operation is compiled once into JavaScript and then run for every request that sends it, instead
 * of being interpreted by graphql-js each time. Apollo still parses, validates (with the query
 * limits) and formats errors; only execution changes. EXECUTOR=graphql-js keeps the plain path.
 *
 * Variables are coerced by graphql-js, as its own `execute` does: graphql-jit's coercion knows no
 * `@oneOf` and reports its refusals without the variable's node, which Apollo needs to answer them
 * as `BAD_USER_INPUT`. A subscription sent over HTTP (no operation to run is Apollo's error to
 * report) goes to graphql-js whole, so it fails exactly as it does there. Errors come back as
 * graphql-js errors (see `asGraphQLError`).
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
        executor: async ({ document, operationName, operation, request, context }) => {
          // Apollo leaves `operation` unset when the document names no runnable operation.
          const runnable = operation as typeof operation | undefined;
          if (!runnable || runnable.operation === OperationTypeNode.SUBSCRIPTION) {
            return execute({ schema, document, operationName, contextValue: context, variableValues: request.variables });
          }
          const variables = getVariableValues(schema, runnable.variableDefinitions ?? [], request.variables ?? {}, {
            maxErrors: VARIABLE_ERRORS_MAX,
          });
          if (variables.errors) return { errors: variables.errors };
          const entry = compile(document, operationName ?? undefined);
          if (!isCompiledQuery(entry)) return entry;
          const result = await entry.query(undefined, context, variables.coerced);
          return result.errors ? { ...result, errors: result.errors.map(asGraphQLError) } : result;
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

/**
 * graphql-jit reports field errors with an error class of its own that has no `extensions` when
 * the thrown error had none (a scalar that cannot serialise its value, a plain `Error`), which
 * Apollo's error formatting cannot read. The same error as graphql-js builds it: message, path,
 * locations, the original error and its extensions.
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const rebuilt = new GraphQLError(error.message, {
    path: error.path,
    originalError: error.originalError ?? undefined,
    extensions: error.extensions,
  });
  // graphql-jit keeps the locations but not the AST nodes they were computed from.
  return error.locations ? Object.assign(rebuilt, { locations: error.locations }) : rebuilt;
}
