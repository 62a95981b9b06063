/**
 * Opaque paging cursors: base64url JSON tagged with what they page, so a Schedules cursor fed to
 * List Events (or a hand-edited one) is rejected instead of silently misread.
 */
import { isRecord } from './validate.js';

export function encodeCursor(kind: string, state: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ kind, ...state }), 'utf8').toString('base64url');
}

/** The state inside a cursor of this kind, or undefined when it is not one. */
export function decodeCursor(kind: string, cursor: string): Record<string, unknown> | undefined {
  try {
    const state: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!isRecord(state) || state.kind !== kind) return undefined;
    return state;
  } catch {
    return undefined;
  }
}
