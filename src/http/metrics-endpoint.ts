import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Metrics } from '../infra/metrics.js';

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `GET /metrics` in Prometheus text format; with a token configured, only for `Authorization: Bearer <token>`. */
export function metricsHandler(metrics: Metrics, token: string | undefined): RequestHandler {
  return async (req, res) => {
    if (token && !sameToken(req.get('authorization') ?? '', `Bearer ${token}`)) {
      res.setHeader('www-authenticate', 'Bearer');
      res.status(401).type('text/plain').send('metrics need a bearer token\n');
      return;
    }
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  };
}
