import { createHash, randomBytes, randomUUID } from 'node:crypto';

/**
 * A GUID that is a pure function of its inputs (name-based, like UUID v5), so demo and generated
 * ids are the same on every run and distinct per app instance.
 */
export function deriveGuid(...parts: string[]): string {
  const bytes = createHash('sha256').update(parts.join('\u0000')).digest();
  const version5 = 0x50;
  const rfc4122Variant = 0x80;
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | version5;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | rfc4122Variant;
  const hex = bytes.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

export function newGuid(): string {
  return randomUUID();
}

/** Same look as Wix's `x-wix-request-id`: epoch seconds, a dot, then random digits. */
export function newRequestId(): string {
  const seconds = Math.floor(Date.now() / 1_000);
  const digits = BigInt(`0x${randomBytes(8).toString('hex')}`)
    .toString()
    .padStart(20, '0');
  return `${seconds}.${digits}`;
}

/** FNV-1a, 32 bits: cheap and stable; used to derive demo calendar events, never for security. */
export function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
