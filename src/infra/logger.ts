import { pino, type Logger } from 'pino';

/**
 * Everything the running gateway prints is one JSON line from this logger. Secrets never reach a
 * line: credentials and passwords are redacted wherever they appear in a logged object.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'calendar-gateway' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: [
          '*.authorization',
          '*.Authorization',
          '*.password',
          '*.apiKey',
          '*.token',
          'req.headers.authorization',
          'req.headers.cookie',
          'headers.authorization',
        ],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
