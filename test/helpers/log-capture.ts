import { Writable } from 'node:stream';
import { createLogger } from '../../src/infra/logger.js';

/** A real gateway logger whose JSON lines are kept in memory for assertions. */
export function captureLogs(level = 'debug') {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger(level, stream);
  return { logger, lines, records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}
