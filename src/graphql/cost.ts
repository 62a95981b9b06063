import {
  Kind,
  getVariableValues,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type ValueNode,
} from 'graphql';
import { ErrorCode, GatewayError } from '../infra/errors.js';

/**
 * The weights graphql-armor's cost limit uses (its defaults), so a cost is the same number whether
 * it is reported by validation or here, and `LIMIT_COST` keeps its meaning.
 */
const OBJECT_COST = 2;
const SCALAR_COST = 1;
const DEPTH_COST_FACTOR = 1.5;

/** Arguments whose value multiplies the cost of the field's selection: the page size. */
const PAGE_SIZE_ARGUMENTS = new Set(['first', 'last']);

/**
 * The cost of one operation, computed as graphql-armor's cost limit computes it, but with the page
 * size read from the variables too: `externalEvents(first: $n)` with `n = 1000` costs what
 * `externalEvents(first: 1000)` costs. Introspection (`__schema`) costs nothing here: it has its own
 * ceiling in validation.
 */
export function operationCost(
  operation: OperationDefinitionNode,
  fragments: ReadonlyMap<string, FragmentDefinitionNode>,
  variables: Readonly<Record<string, unknown>>,
): number {
  const visited = new Map<string, number>();

  const pageSize = (field: FieldNode): number => {
    const argument = field.arguments?.find((candidate) => PAGE_SIZE_ARGUMENTS.has(candidate.name.value));
    const value = argument ? intValue(argument.value, variables) : undefined;
    return value !== undefined && value > 1 ? value : 1;
  };

  const cost = (node: SelectionNode | FragmentDefinitionNode): number => {
    if (node.kind === Kind.FIELD && node.name.value === '__schema') return 0;
    if (node.kind !== Kind.FRAGMENT_SPREAD && node.selectionSet) {
      let total = OBJECT_COST;
      for (const child of node.selectionSet.selections) total += DEPTH_COST_FACTOR * cost(child);
      return node.kind === Kind.FIELD ? total * pageSize(node) : total;
    }
    if (node.kind !== Kind.FRAGMENT_SPREAD) return SCALAR_COST;
    const name = node.name.value;
    const known = visited.get(name);
    if (known !== undefined) return SCALAR_COST + DEPTH_COST_FACTOR * Math.max(known, 0);
    visited.set(name, -1); // a spread of the fragment inside itself costs nothing more
    const fragment = fragments.get(name);
    if (!fragment) return SCALAR_COST;
    const fragmentCost = cost(fragment);
    visited.set(name, fragmentCost);
    return SCALAR_COST + DEPTH_COST_FACTOR * fragmentCost;
  };

  return operation.selectionSet.selections.reduce((total, selection) => total + cost(selection), 0);
}

/** A whole number from a literal or a variable's value; anything else counts as absent. */
function intValue(node: ValueNode, variables: Readonly<Record<string, unknown>>): number | undefined {
  const value: unknown = node.kind === Kind.VARIABLE ? variables[node.name.value] : node.kind === Kind.INT ? Number(node.value) : undefined;
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : undefined;
}

/** Refused before execution: the same code as the validation limits, with a 400 over HTTP. */
export class CostLimitError extends GatewayError {
  constructor(maxCost: number, cost: number) {
    // `http` is read by Apollo Server for the status, and never shown to the client.
    super(`Query cost limit of ${maxCost} exceeded, found ${cost}.`, ErrorCode.GRAPHQL_VALIDATION_FAILED, { http: { status: 400 } });
  }
}

/**
 * Checks the cost of the operation to run against `maxCost`, with its variables coerced as
 * execution will coerce them (defaults applied). Variables that do not coerce are left for
 * execution to refuse (BAD_USER_INPUT) before any resolver runs. One function for
 * HTTP (an Apollo plugin) and WebSocket (graphql-ws `onSubscribe`).
 */
export function assertCostWithin(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  rawVariables: Readonly<Record<string, unknown>> | null | undefined,
  maxCost: number,
): void {
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables ?? {}, { maxErrors: 1 });
  // Variables that do not coerce: execution refuses the operation before anything runs.
  if (!coerced.coerced) return;
  const variables = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const cost = operationCost(operation, fragments, variables);
  if (cost > maxCost) throw new CostLimitError(maxCost, cost);
}
