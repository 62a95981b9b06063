import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { ErrorCode } from './errors.js';

/** A GraphQL-style JSON error body for failures outside GraphQL execution (bad JSON, too large, …). */
export function sendGraphQLStyleError(res: Response, status: number, message: string, code: string): void {
  res.status(status).type('application/json').send(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
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
        sendGraphQLStyleError(res, 413, 'The request body is too large.', ErrorCode.BAD_REQUEST);
        return;
      case 'charset.unsupported':
      case 'encoding.unsupported':
        sendGraphQLStyleError(res, 415, 'The request body’s charset or encoding is not supported.', ErrorCode.BAD_REQUEST);
        return;
      case 'request.aborted':
      case 'request.size.invalid':
      case 'stream.encoding.set':
        sendGraphQLStyleError(res, 400, 'The request body could not be read.', ErrorCode.BAD_REQUEST);
        return;
      default:
        break;
    }
    if (typeof status === 'number' && status >= 400 && status < 500) {
      sendGraphQLStyleError(res, status, 'Bad request.', ErrorCode.BAD_REQUEST);
      return;
    }
    logger.error({ err: error, path: req.path }, 'unhandled error in HTTP handler');
    sendGraphQLStyleError(res, 500, 'Internal server error.', ErrorCode.INTERNAL_SERVER_ERROR);
  };
}
