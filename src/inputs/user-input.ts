import type { z } from 'zod';
import { BadUserInputError, ErrorCode } from '../infra/errors.js';

/** A mutation's business-rule failure, reported as a `UserError` (never sent upstream). */
export interface UserErrorData {
  code: ErrorCode;
  message: string;
  field: string[] | null;
}

export type Validated<T> = { ok: true; value: T } | { ok: false; userErrors: UserErrorData[] };

/**
 * Runs a zod schema over a mutation argument and turns every issue into an INVALID_ARGUMENT user
 * error whose `field` is the path from the mutation's arguments (`[argName, ...issue.path]`).
 */
export function validateArgument<S extends z.ZodType>(schema: S, argName: string, value: unknown): Validated<z.output<S>> {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    userErrors: result.error.issues.map((issue) => ({
      code: ErrorCode.INVALID_ARGUMENT,
      message: issue.message,
      field: [argName, ...issue.path.map(String)],
    })),
  };
}

/**
 * The same check for a mutation whose arguments are validated together (several scalar
 * arguments): the schema is an object keyed by argument name, so each issue's path already starts
 * with the argument's name.
 */
export function validateArguments<S extends z.ZodType>(schema: S, args: unknown): Validated<z.output<S>> {
  const result = schema.safeParse(args);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    userErrors: result.error.issues.map((issue) => ({
      code: ErrorCode.INVALID_ARGUMENT,
      message: issue.message,
      field: issue.path.length > 0 ? issue.path.map(String) : null,
    })),
  };
}

/**
 * A query argument checked with zod: the first issue becomes a `BAD_USER_INPUT` GraphQL error
 * with the path from the field's arguments, thrown before anything is sent upstream (queries have
 * no payload to carry user errors).
 */
export function parseArgument<S extends z.ZodType>(schema: S, argName: string, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  const field = [argName, ...(issue?.path.map(String) ?? [])];
  throw new BadUserInputError(`${field.join('.')}: ${issue?.message ?? 'invalid value.'}`, field);
}
