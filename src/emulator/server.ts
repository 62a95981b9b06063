/**
 * The emulator's express app: one pipeline for every request, then the control routes, the token
 * endpoint and the two Wix APIs, then Wix-style 404 and error answers.
 */
import express, { type Express } from 'express';
import type { EmulatorDeps } from './context.js';
import {
  CONTROL_PREFIX,
  errorHandler,
  injectFaults,
  notFoundRoute,
  parseBody,
  recordCalls,
  rejectMalformedBody,
  requestId,
} from './middleware.js';
import { controlRouter } from './routes/control.js';
import { externalCalendarsRouter } from './routes/external-calendars.js';
import { oauthRouter } from './routes/oauth.js';
import { schedulesRouter } from './routes/schedules.js';

/** Far above any real request of these APIs; larger bodies get a Wix-style 413. */
const BODY_LIMIT = '1mb';

export function createApp(deps: EmulatorDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(requestId(deps));
  app.use(express.raw({ type: () => true, limit: BODY_LIMIT }));
  app.use(parseBody);
  app.use(recordCalls(deps));
  app.use(injectFaults(deps));
  app.use(rejectMalformedBody);

  app.use(oauthRouter(deps));
  app.use(CONTROL_PREFIX, controlRouter(deps));
  app.use('/bookings/v2/external-calendars', externalCalendarsRouter(deps));
  app.use('/calendar/v3/schedules', schedulesRouter(deps));

  app.use(notFoundRoute);
  app.use(errorHandler(deps));
  return app;
}
