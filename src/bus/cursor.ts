import { BadUserInputError } from '../infra/errors.js';

/**
 * Resume cursors are opaque to clients: base64url of `<log kind>:<log id>:<position>`. The log id
 * tells a cursor of another log (a restarted in-memory log, another Redis) from one of this log.
 */
export interface DecodedCursor {
  kind: 'm' | 'r';
  logId: string;
  position: string;
}

const CURSOR_TEXT = /^(m|r):([\w.-]{1,64}):(\d{1,20}(?:-\d{1,20})?)$/;

export function encodeCursor({ kind, logId, position }: DecodedCursor): string {
  return Buffer.from(`${kind}:${logId}:${position}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): DecodedCursor {
  const text = cursor.length <= 200 && /^[\w-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const match = CURSOR_TEXT.exec(text);
  if (!match) throw new BadUserInputError('`since` is not a cursor from this gateway.', ['since']);
  return { kind: match[1] as 'm' | 'r', logId: match[2] ?? '', position: match[3] ?? '' };
}
