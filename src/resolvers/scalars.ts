import { GraphQLError, GraphQLScalarType, Kind, type ValueNode } from 'graphql';

const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** RFC 3339 date-time with an explicit offset (`Z` or `±hh:mm`). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): string {
  if (typeof value !== 'string' || !RFC3339.test(value) || Number.isNaN(Date.parse(value))) {
    throw new GraphQLError('DateTime must be an RFC 3339 date-time with an offset, e.g. 2026-11-22T09:30:00Z.');
  }
  return new Date(value).toISOString();
}

/*
 * The descriptions and `specifiedByURL`s below are the SDL's (schema/common.graphql), word for word:
 * graphql-tools lets a scalar's resolver replace them, and introspection serves the result.
 * test/graphql/schema-artifact.test.ts fails when they drift apart.
 */

export const DateTime = new GraphQLScalarType<string, string>({
  name: 'DateTime',
  description:
    'An instant in time, as an ISO-8601 / RFC 3339 string in UTC with milliseconds\n(`2026-11-22T09:30:00.000Z`). Inputs accept any RFC 3339 date-time with an offset.',
  specifiedByURL: 'https://datatracker.ietf.org/doc/html/rfc3339',
  serialize(value) {
    if (value instanceof Date) return value.toISOString();
    // Wix already sends canonical UTC ISO strings: pass them through without re-parsing (hot path:
    // every date of every schedule in a response).
    if (typeof value === 'string' && CANONICAL_UTC.test(value)) return value;
    if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
    throw new GraphQLError('DateTime cannot represent this value.');
  },
  parseValue: parseDateTime,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('DateTime must be a string.', { nodes: ast });
    return parseDateTime(ast.value);
  },
});

function literalToJson(ast: ValueNode, variables: Record<string, unknown> | null | undefined): unknown {
  switch (ast.kind) {
    case Kind.STRING:
    case Kind.BOOLEAN:
    case Kind.ENUM:
      return ast.value;
    case Kind.INT:
    case Kind.FLOAT:
      return Number(ast.value);
    case Kind.NULL:
      return null;
    case Kind.LIST:
      return ast.values.map((item) => literalToJson(item, variables));
    case Kind.OBJECT:
      return Object.fromEntries(ast.fields.map((field) => [field.name.value, literalToJson(field.value, variables)]));
    case Kind.VARIABLE:
      return variables?.[ast.name.value];
    default: {
      const unreachable: never = ast;
      return unreachable;
    }
  }
}

export const JSON = new GraphQLScalarType<unknown, unknown>({
  name: 'JSON',
  description: 'Arbitrary JSON value (object, array, string, number, boolean or null), passed through as is.',
  specifiedByURL: 'https://www.rfc-editor.org/rfc/rfc8259',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: literalToJson,
});
