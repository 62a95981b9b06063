import { ErrorCode, NotFoundError, WixApplicationError, WixValidationError } from '../infra/errors.js';
import type { UserErrorData } from '../inputs/user-input.js';

/**
 * Runs a mutation's upstream call and shapes its payload: the result under `key`, or, for an
 * expected business failure (Wix application error, validation error, unknown entity), null and
 * `userErrors`. Anything else (upstream down, bad credentials) stays a GraphQL error. This is the
 * one place where mutation failures become data (docs/architecture.md, decisions).
 */
export async function payload<K extends string, T>(
  key: K,
  run: () => Promise<T>,
): Promise<{ [P in K]: T | null } & { userErrors: UserErrorData[] }> {
  try {
    const value = await run();
    return { [key]: value, userErrors: [] } as { [P in K]: T | null } & { userErrors: UserErrorData[] };
  } catch (error) {
    const userErrors = toUserErrors(error);
    if (!userErrors) throw error;
    return { [key]: null, userErrors } as { [P in K]: T | null } & { userErrors: UserErrorData[] };
  }
}

function toUserErrors(error: unknown): UserErrorData[] | undefined {
  if (error instanceof NotFoundError) return [{ code: ErrorCode.NOT_FOUND, message: error.message, field: null }];
  if (error instanceof WixApplicationError) return [{ code: error.wixCode, message: error.message, field: null }];
  if (error instanceof WixValidationError) {
    if (error.fields.length === 0) return [{ code: ErrorCode.INVALID_ARGUMENT, message: error.message, field: null }];
    return error.fields.map((field) => ({
      code: ErrorCode.INVALID_ARGUMENT,
      message: `Wix rejected ${field.join('.')}.`,
      field: [...field],
    }));
  }
  return undefined;
}
