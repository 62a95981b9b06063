import { z } from 'zod';

/**
 * A Wix enum read from an upstream response. Wix adds enum values over time; a value this
 * gateway does not know yet (or a missing one) reads as the enum's "unknown" member instead of
 * failing the whole response, as Wix's own SDK types suggest (it always emits the enum, defaulting
 * to UNDEFINED).
 */
export function wixEnum<const T extends Record<string, string>>(values: T, unknown: T[keyof T]) {
  return z.enum(values).catch(unknown);
}
