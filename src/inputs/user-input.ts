import type { z } from 'zod';
import { ErrorCode } from '../errors.js';

/** A mutation's business-rule failure, reported as a `UserError` (never sent upstream). */
export interface UserErrorData {
  code: string;
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
