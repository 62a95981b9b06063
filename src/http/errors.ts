import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { ErrorCode } from '../infra/errors.js';

/** The messages of request bodies that cannot be taken, the same on every route. */
export const BODY_TOO_LARGE = 'The request body is too large.';
export const BODY_UNREADABLE = 'The request body could not be read.';
export const INTERNAL_ERROR = 'Internal server error.';

/** The JSON text of a GraphQL-style error body, for failures outside GraphQL execution (bad JSON, too large, …). */
export function graphQLStyleErrorBody(message: string, code: ErrorCode): string {
  return JSON.stringify({ errors: [{ message, extensions: { code } }] });
}

export function sendGraphQLStyleError(res: Response, status: number, message: string, code: ErrorCode): void {
  res.status(status).type('application/json').send(graphQLStyleErrorBody(message, code));
}

interface BodyParserError {
  type?: string;
  status?: number;
}

/**
 * Turns body-parser failures into clear client errors, and anything unexpected into a bare 500
 * with nothing of the error in the body. Malformed requests leave no stack trace in the log.
 */
export function httpErrorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { type, status } = (error ?? {}) as BodyParserError;
    switch (type) {
      case 'entity.parse.failed':
        sendGraphQLStyleError(res, 400, 'The request body is not valid JSON.', ErrorCode.BAD_REQUEST);
        return;
      case 'entity.too.large':
        sendGraphQLStyleError(res, 413, BODY_TOO_LARGE, ErrorCode.BAD_REQUEST);
        return;
      case 'charset.unsupported':
      case 'encoding.unsupported':
        sendGraphQLStyleError(res, 415, 'The request body’s charset or encoding is not supported.', ErrorCode.BAD_REQUEST);
        return;
      case 'request.aborted':
      case 'request.size.invalid':
      case 'stream.encoding.set':
        sendGraphQLStyleError(res, 400, BODY_UNREADABLE, ErrorCode.BAD_REQUEST);
        return;
      default:
        break;
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendGraphQLStyleError(res, status, 'Bad request.', ErrorCode.BAD_REQUEST);
      return;
    }
    logger.error({ err: error, path: req.path }, 'unhandled error in HTTP handler');
    sendGraphQLStyleError(res, 500, INTERNAL_ERROR, ErrorCode.INTERNAL_SERVER_ERROR);
  };
}
