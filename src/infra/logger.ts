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

/** Longest client-chosen text (an operation name…) written to a log line as it is. */
export const LOGGED_TEXT_MAX = 200; // characters

/** A client-chosen text cut to LOGGED_TEXT_MAX, so one request cannot write a megabyte to the log. */
export function truncateForLog(text: string): string;
export function truncateForLog(text: string | null | undefined): string | null;
export function truncateForLog(text: string | null | undefined): string | null {
  if (text === null || text === undefined) return null;
  return text.length <= LOGGED_TEXT_MAX ? text : `${text.slice(0, LOGGED_TEXT_MAX)}… (${text.length} characters)`;
}
