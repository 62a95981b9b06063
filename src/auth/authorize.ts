import { OperationTypeNode } from 'graphql';
import { ForbiddenError } from '../infra/errors.js';
import { WRITE_ROLE, type Caller } from './caller.js';

/**
 * Mutations need the write role; queries and subscriptions need only a valid token. Same rule on
 * HTTP and WebSocket; over HTTP the refusal carries its status (403), which Apollo answers with.
 */
export function assertMayRun(caller: Caller, operation: OperationTypeNode | undefined, httpStatus?: 403): void {
  if (operation === OperationTypeNode.MUTATION && !caller.roles.has(WRITE_ROLE)) {
    throw new ForbiddenError(`Mutations need the \`${WRITE_ROLE}\` role.`, httpStatus);
  }
}
