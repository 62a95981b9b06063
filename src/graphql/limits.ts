import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { GraphQLError, ValidationContext, ValidationRule } from 'graphql';
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
 * Depth, cost, aliases and directives, checked in validation: before any resolver runs, so before
 * any upstream call. The same rules serve HTTP (Apollo) and WebSocket (graphql-ws). Tokens are
 * limited in the parser (`maxTokens`).
 */
export function limitRules(limits: Limits): ValidationRule[] {
  return [
    maxDepthRule({ n: limits.depth, ignoreIntrospection: false, flattenFragments: true, ...report }),
    costLimitRule({ maxCost: limits.cost, ignoreIntrospection: true, ...report }),
    costLimitRule({ maxCost: INTROSPECTION_COST_CEILING, ignoreIntrospection: false, ...report }),
    maxAliasesRule({ n: limits.aliases, ...report }),
    maxDirectivesRule({ n: limits.directives, ...report }),
  ] as ValidationRule[];
}
