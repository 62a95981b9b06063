/**
 * Wix error bodies (docs/wix-contract.md §4.3). Every failure the emulator answers is a WixError, so the
 * body shape is decided in exactly one place.
 */

export interface FieldViolation {
  field: string;
  description: string;
  violatedRule: string;
  ruleName: string | null;
  data: Record<string, unknown>;
}

export type WixErrorBody =
  | { message: string; details: { applicationError: { code: string; description: string; data: Record<string, unknown> } } }
  | { message: string; details: { validationError: { fieldViolations: FieldViolation[] } } };

export class WixError extends Error {
  readonly status: number;
  readonly body: WixErrorBody;
  readonly headers: Record<string, string>;

  constructor(status: number, body: WixErrorBody, headers: Record<string, string> = {}) {
    super(body.message);
    this.name = 'WixError';
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

export function applicationError(status: number, code: string, description: string, data: Record<string, unknown> = {}): WixError {
  return new WixError(status, { message: description, details: { applicationError: { code, description, data } } });
}

/** The SDK formats these as `INVALID_ARGUMENT: "field" description`; the message follows suit. */
export function validationError(fieldViolations: FieldViolation[]): WixError {
  const first = fieldViolations[0];
  const message = first ? `INVALID_ARGUMENT: "${first.field}" ${first.description}` : 'INVALID_ARGUMENT';
  return new WixError(400, { message, details: { validationError: { fieldViolations } } });
}

export function violation(
  field: string,
  description: string,
  violatedRule: string,
  data: Record<string, unknown> = {},
  ruleName: string | null = null,
): FieldViolation {
  return { field, description, violatedRule, ruleName, data };
}

export function notFound(entity: string, id: string): WixError {
  return applicationError(404, 'NOT_FOUND', `${entity} with id ${id} was not found`, { id });
}

export function unauthenticated(description: string): WixError {
  return applicationError(401, 'UNAUTHENTICATED', description);
}

export function failedPrecondition(code: string, description: string, data: Record<string, unknown> = {}): WixError {
  return applicationError(428, code, description, data);
}
