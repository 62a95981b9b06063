import {
  GraphQLError,
  getOperationAST,
  getVariableValues,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { assertMayRun } from '../auth/authorize.js';
import type { Caller } from '../auth/caller.js';
import { assertCostWithin } from '../graphql/cost.js';
import { ErrorCode, GatewayError } from '../infra/errors.js';
import type { DocumentCache } from './document-cache.js';

/** Variable errors reported at most for one operation (graphql-js's own default). */
const VARIABLE_ERRORS_MAX = 50;

export interface OperationRequest {
  query: string;
  operationName?: string | null | undefined;
  variables?: Record<string, unknown> | null | undefined;
}

export type GateResult =
  | { errors: GraphQLError[] }
  | { document: DocumentNode; operation: OperationDefinitionNode | null | undefined; variables: Record<string, unknown> | undefined };

/**
 * The checks every streaming transport (graphql-ws, GraphQL over SSE, multipart HTTP) runs before an
 * operation, as Apollo Server does over HTTP: the document parsed and validated with the same rules
 * and limits (once per distinct text), its variables coerced, the caller's right to run it, its cost.
 * What fails comes back as the client's errors, never as an exception.
 */
export function checkOperation(
  schema: GraphQLSchema,
  documents: DocumentCache,
  maxCost: number,
  caller: Caller,
  request: OperationRequest,
): GateResult {
  const checked = documents.get(request.query);
  if ('parseError' in checked) return { errors: [new GatewayError(checked.parseError, ErrorCode.GRAPHQL_PARSE_FAILED)] };
  const { document, invalid } = checked;
  if (invalid.length > 0) {
    return {
      errors: invalid.map(
        (error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED } }),
      ),
    };
  }
  const operation = getOperationAST(document, request.operationName);
  const variables = request.variables ?? undefined;
  if (operation) {
    // Variables that do not fit their types are the client's error.
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}, { maxErrors: VARIABLE_ERRORS_MAX });
    if (coerced.errors) {
      return {
        errors: coerced.errors.map(
          (error) => new GraphQLError(error.message, { nodes: error.nodes, extensions: { code: ErrorCode.BAD_USER_INPUT } }),
        ),
      };
    }
  }
  try {
    assertMayRun(caller, operation?.operation);
    if (operation) assertCostWithin(schema, document, operation, variables, maxCost);
  } catch (error) {
    return { errors: [error as GraphQLError] };
  }
  return { document, operation, variables };
}
