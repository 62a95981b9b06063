/**
 * `POST /oauth2/token` (client credentials, docs/wix-contract.md §4.2) and the emulator's stand-in for a
 * calendar provider's consent page, which completes Connect By OAuth (§1.7).
 */
import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { ACCESS_TOKEN_LIFETIME_S } from '../auth.js';
import { bodyOf, type EmulatorDeps } from '../context.js';
import { applicationError, unauthenticated } from '../errors.js';
import { connectAccount, defaultAccountEmail } from '../external-calendars/connect.js';
import { TOKEN_PATH } from '../middleware.js';
import { Checker, validated } from '../validate.js';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

const OAUTH_ERRORS = ['reject', 'unsupported', 'internal'] as const;

export function oauthRouter(deps: EmulatorDeps): Router {
  const router = Router();

  router.post(TOKEN_PATH, (req, res) => {
    const body = bodyOf(req);
    const check = new Checker();
    const grantType = check.string(body.grant_type, 'grant_type', { required: true });
    if (grantType !== undefined && grantType !== 'client_credentials') {
      check.other('grant_type', 'only client_credentials is supported by the emulator', 'GRANT_TYPE');
    }
    const clientId = check.string(body.client_id, 'client_id', { required: true, min: 1 });
    const clientSecret = check.string(body.client_secret, 'client_secret', { required: true, min: 1 });
    const instanceId = check.string(body.instance_id, 'instance_id', { required: true, min: 1 });
    check.throwIfAny();
    if (validated(clientId) !== deps.config.appId || !sameSecret(validated(clientSecret), deps.config.appSecret)) {
      throw unauthenticated('Invalid client_id or client_secret');
    }
    // Any instance id is accepted, as if the app were installed there; its tenant is seeded now.
    deps.store.tenant(validated(instanceId));
    res.json({ access_token: deps.tokens.issue(validated(instanceId)), token_type: 'Bearer', expires_in: ACCESS_TOKEN_LIFETIME_S });
  });

  /**
   * Opening the oauthUrl approves at once and redirects to `redirectUrl?connectionId=…`.
   * Add `error=reject|unsupported|internal` to get the failure redirect instead, and
   * `email=…` to choose the external account.
   */
  router.get('/_emulator/oauth/authorize', (req, res) => {
    const state = typeof req.query.state === 'string' ? req.query.state : '';
    const flow = deps.oauthFlows.take(state);
    if (!flow) throw applicationError(400, 'INVALID_OAUTH_STATE', 'This authorisation link is unknown, expired or already used');
    const target = new URL(flow.redirectUrl);
    const error = req.query.error;
    if (typeof error === 'string' && (OAUTH_ERRORS as readonly string[]).includes(error)) {
      target.searchParams.set('error', error);
      res.redirect(302, target.toString());
      return;
    }
    const tenant = deps.store.tenant(flow.instanceId);
    const provider = deps.store.provider(flow.providerId);
    const schedule = tenant.getSchedule(flow.scheduleId);
    if (!provider || !schedule) {
      target.searchParams.set('error', 'internal');
      res.redirect(302, target.toString());
      return;
    }
    const email =
      typeof req.query.email === 'string' && req.query.email !== '' ? req.query.email : defaultAccountEmail(provider.calendarType);
    const connection = connectAccount(tenant, provider, schedule, email, flow.appId);
    target.searchParams.set('connectionId', connection.id);
    res.redirect(302, target.toString());
  });

  return router;
}
