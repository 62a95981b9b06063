import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { NoSchemaIntrospectionCustomRule, type GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';
import type { Limits } from '../infra/config.js';

/**
 * The standard introspection query (Sandbox, GraphiQL, codegen) costs about 87,500 with
 * graphql-armor's default weights and is 15 levels deep: introspection gets its own cost ceiling
 * above that, so a doubled or deeper introspection query is still refused.
 */
export const INTROSPECTION_COST_CEILING = 150_000;

/** graphql-armor reports through the validation context, so a refusal is an ordinary validation error. */
const report = {
  exposeLimits: true,
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
};

/**
 * Depth, aliases, directives and the introspection cost ceiling, checked in validation: before any
 * resolver runs, so before any upstream call; with introspection off, `__schema` and `__type` are
 * refused here too. The same rules serve HTTP (Apollo) and WebSocket (graphql-ws). Tokens are
 * limited in the parser (`maxTokens`); the cost of an operation is checked once its variables are
 * known (`assertCostWithin` in cost.ts), since a page size may come from a variable.
 */
export function limitRules(limits: Limits, options: { introspection: boolean }): ValidationRule[] {
  return [
    maxDepthRule({ n: limits.depth, ignoreIntrospection: false, flattenFragments: true, ...report }),
    costLimitRule({ maxCost: INTROSPECTION_COST_CEILING, ignoreIntrospection: false, ...report }),
    maxAliasesRule({ n: limits.aliases, ...report }),
    maxDirectivesRule({ n: limits.directives, ...report }),
    ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ] as ValidationRule[];
}

/** "Did you mean …?" at the end of a validation or variable message: it names fields and enum values of the schema. */
const SUGGESTION = / ?Did you mean(.+?)\?$/;

/** A validation message without the schema's field and type names it suggests (introspection off). */
export function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}
