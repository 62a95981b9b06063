import { GraphQLError, type ExecutionResult, type GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from '../graphql/context.js';
import { GatewayError } from '../infra/errors.js';
import { staleDataExtension } from '../upstream/cache.js';

export type ErrorMask = (errors: readonly GraphQLError[]) => GraphQLError[];

/**
 * The same masking as over HTTP: gateway errors as they are, anything else a bare internal error.
 * A gateway error that ended a stream comes wrapped (by graphql-ws or graphql-js): it is shown (and
 * not logged) as itself.
 */
export function errorMask(formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError): ErrorMask {
  return (errors) =>
    errors.map((wrapped) => {
      const error = !wrapped.path && wrapped.originalError instanceof GatewayError ? wrapped.originalError : wrapped;
      const { message, extensions, path } = formatError(error.toJSON(), error);
      // `http` is Apollo Server's status hint: nothing for a stream.
      const { http: _http, ...shown } = extensions ?? {};
      return new GraphQLError(message, { nodes: error.nodes, path, extensions: shown });
    });
}

/**
 * A streamed result as the client gets it, as over HTTP: errors masked, and what the response tells
 * besides its data (cached data that stood in because the site's budget was spent; warnings such as a
 * deprecated input ignored). Undefined when the result goes out as it is.
 */
export function finishResult(result: ExecutionResult, context: GatewayContext | undefined, mask: ErrorMask): ExecutionResult | undefined {
  let executionResult = result;
  const staleAgeMs = context?.staleData.ageMs;
  const warnings = context?.warnings.length ? context.warnings : undefined;
  if (staleAgeMs !== undefined || warnings) {
    executionResult = {
      ...executionResult,
      extensions: {
        ...executionResult.extensions,
        ...(staleAgeMs !== undefined && { staleData: staleDataExtension(staleAgeMs) }),
        ...(warnings && { warnings }),
      },
    };
  }
  if (!executionResult.errors?.length) return staleAgeMs === undefined && !warnings ? undefined : executionResult;
  return { ...executionResult, errors: mask(executionResult.errors) };
}
