import { fileURLToPath } from 'node:url';
import express, { Router, type RequestHandler, type Response } from 'express';
import { assetDirectory } from '../infra/assets.js';
import { loadOperations, operationsModule } from './operations.js';
import { resolveVendorFiles } from './vendor.js';

/** In the repository from src/ (tsx), in dist/assets/ once built: see infra/assets.ts. */
const PUBLIC_DIR = fileURLToPath(assetDirectory('src/explorers/public/'));
const OPERATIONS_DIR = assetDirectory('client/operations/');

/**
 * Everything the pages load comes from this origin: a page that tried a CDN would fail in the
 * browser's console instead of silently depending on the internet. `connect-src 'self'` covers
 * the WebSocket to the same host (ws: and wss:).
 */
const DEMO_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** GraphiQL injects style elements at run time and inlines its fonts as data: URLs. */
const GRAPHIQL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function setCommonHeaders(res: Response): void {
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('referrer-policy', 'no-referrer');
  // Revalidated on every load (ETag / Last-Modified): an upgrade of the gateway or a package shows at once.
  res.setHeader('cache-control', 'no-cache');
}

function page(file: string, csp: string): RequestHandler {
  return (_req, res, next) => {
    setCommonHeaders(res);
    res.setHeader('content-security-policy', csp);
    res.sendFile(file, { root: PUBLIC_DIR }, (error) => error && next(error));
  };
}

function assets(directory: string): RequestHandler {
  return express.static(`${PUBLIC_DIR}${directory}`, {
    index: false,
    redirect: false,
    dotfiles: 'deny',
    setHeaders: (res) => setCommonHeaders(res),
  });
}

/**
 * Browser pages served when Sandbox is enabled: the live demo at /demo and an offline GraphiQL at
 * /graphiql. Both talk to /graphql on the same origin (HTTP for queries and mutations,
 * graphql-ws for subscriptions) and need nothing from the internet.
 */
export function explorerRoutes(): Router {
  const router = Router();
  const vendorFiles = resolveVendorFiles();
  // Read once at start-up: a broken operation file stops the gateway with its parse error.
  const demoOperations = operationsModule(loadOperations(OPERATIONS_DIR));

  // The landing page: where the explorers and the demo are.
  router.get('/', page('index.html', DEMO_CSP));
  router.get('/demo', page('demo/index.html', DEMO_CSP));
  router.get('/demo/operations.js', (_req, res) => {
    setCommonHeaders(res);
    res.type('text/javascript').send(demoOperations);
  });
  router.use('/demo', assets('demo'));

  router.get('/graphiql', page('graphiql/index.html', GRAPHIQL_CSP));
  router.use('/graphiql', assets('graphiql'));

  router.use('/explorers', assets('shared'));
  router.get('/explorers/vendor/:file', (req, res, next) => {
    const path = vendorFiles.get(req.params.file);
    if (!path) {
      next();
      return;
    }
    setCommonHeaders(res);
    res.sendFile(path, (error) => error && next(error));
  });
  return router;
}
