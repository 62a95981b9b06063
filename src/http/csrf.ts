import type { RequestHandler } from 'express';
import { ErrorCode } from '../infra/errors.js';
import { sendGraphQLStyleError } from './errors.js';

/**
 * Headers a page cannot put on a request to another origin without a CORS preflight, which CORS
 * then answers: any one of them shows the request passed CORS (or came from no browser at all).
 */
const PREFLIGHTED_HEADERS = ['authorization', 'apollo-require-preflight', 'x-apollo-operation-name', 'graphql-preflight'];

/** The content types a page may send to another origin without a preflight (a "simple" request). */
const SIMPLE_CONTENT_TYPES = new Set(['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain']);

/** What a browser says of where a request comes from (Fetch Metadata); other clients send nothing. */
const CROSS_SITE = new Set(['cross-site', 'same-site']);

export const CROSS_SITE_GET_REFUSED =
  'A GET request from another site’s page must pass CORS: send an Authorization header, `apollo-require-preflight: true` or `Content-Type: application/json`, or call from an origin in CORS_ORIGINS.';

/**
 * Cross-site request forgery, the GraphQL way (README, Security): a GET runs queries only (Apollo
 * refuses a mutation over GET with 405), and a POST must be `application/json` (415 otherwise),
 * which no page can send to another origin without a CORS preflight. The gateway reads no cookie:
 * the only credential is the bearer token, which a browser never adds on its own. So a GET query is
 * taken as clients send it (urql, graphql-request: no Content-Type, no extra header), except a
 * simple one a browser marks as coming from another site's page (`Sec-Fetch-Site`), from an origin
 * not allowed by CORS: that is a page making the visitor's browser call the gateway, and is refused
 * before anything runs. With `landingPage` (Sandbox on), a browser opening `/graphql` as a page
 * (`Accept: text/html`) gets the page and nothing runs, so a link from another site is not refused.
 *
 * `allowedOrigins`: undefined allows every origin (with caller authentication, where a page still
 * needs the caller's token).
 */
export function refuseCrossSiteSimpleGets(options: {
  allowedOrigins: readonly string[] | undefined;
  landingPage: boolean;
}): RequestHandler {
  const { allowedOrigins, landingPage } = options;
  return (req, res, next) => {
    if (req.method !== 'GET' || !CROSS_SITE.has(req.get('sec-fetch-site') ?? '')) {
      next();
      return;
    }
    const contentType = (req.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
    const preflighted =
      PREFLIGHTED_HEADERS.some((name) => req.get(name) !== undefined) || (contentType !== '' && !SIMPLE_CONTENT_TYPES.has(contentType));
    const origin = req.get('origin');
    const allowedOrigin = origin !== undefined && (allowedOrigins === undefined || allowedOrigins.includes(origin));
    const opensPage = landingPage && (req.get('accept') ?? '').includes('text/html');
    if (preflighted || allowedOrigin || opensPage) {
      next();
      return;
    }
    sendGraphQLStyleError(res, 400, CROSS_SITE_GET_REFUSED, ErrorCode.BAD_REQUEST);
  };
}
