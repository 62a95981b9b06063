import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { Kind, getOperationAST, parse, validate, type FragmentDefinitionNode, type ValidationRule } from 'graphql';
import { describe, expect, it } from 'vitest';
import { operationCost } from '../../src/graphql/cost.js';
import { createSchema } from '../../src/graphql/schema.js';

const schema = createSchema();

/** What graphql-armor's cost limit finds for a document (its literals only). */
function armorCost(query: string): number {
  let found = Number.NaN;
  const rule = costLimitRule({
    maxCost: Number.MAX_SAFE_INTEGER,
    onAccept: [
      (_context, { n }) => {
        found = n;
      },
    ],
  }) as ValidationRule;
  validate(schema, parse(query), [rule]);
  return found;
}

function ours(query: string, variables: Record<string, unknown> = {}): number {
  const document = parse(query);
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return operationCost(getOperationAST(document)!, fragments, variables);
}

const WINDOW = 'filter: { from: "2026-12-01T00:00:00Z", to: "2026-12-08T00:00:00Z" }';

describe('operation cost', () => {
  it.each([
    '{ __typename }',
    `{ externalEvents(${WINDOW}, first: 1000) { edges { node { title start } } pageInfo { hasNextPage } } }`,
    '{ schedules(first: 30) { edges { node { id ...S } } } } fragment S on Schedule { name permissions { role } }',
    '{ connections { connections { id schedule { ... on Schedule { name defaultLocation { name } } } } } }',
    '{ a: schedules(first: 5) { edges { cursor } } b: schedules(first: 7) { edges { node { ...S ...S } } } } fragment S on Schedule { id }',
    '{ __schema { types { name } } schedule(id: "x") { id } }',
  ])('is what graphql-armor finds for literals: %s', (query) => {
    expect(ours(query)).toBe(armorCost(query));
  });

  it('reads the page size from a variable as from a literal', () => {
    const literal = `{ externalEvents(${WINDOW}, first: 1000) { edges { node { title } } } }`;
    const variable = `query($n: Int) { externalEvents(${WINDOW}, first: $n) { edges { node { title } } } }`;
    expect(ours(variable, { n: 1_000 })).toBe(ours(literal));
    expect(ours(variable, { n: 1_000 })).toBe(1_000 * ours(variable, {}));
  });
});
