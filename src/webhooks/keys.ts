import { createPublicKey, type KeyObject } from 'node:crypto';

const PEM_BLOCK = /-----BEGIN ([A-Z ]+)-----[\s\S]+?-----END \1-----/g;

/**
 * Reads `WIX_WEBHOOK_PUBLIC_KEY`: one PEM, several PEMs (key rotation), or base64 of either (as the
 * Wix SDK accepts), several base64 values separated by commas or white space. Every key must be an
 * RSA public key; anything else is an error that names the variable.
 */
export function parseWebhookPublicKeys(value: string): KeyObject[] {
  const pems = value.includes('-----BEGIN')
    ? (value.match(PEM_BLOCK) ?? [])
    : value
        .split(/[\s,]+/)
        .filter(Boolean)
        .flatMap((part) => Buffer.from(part, 'base64').toString('utf8').match(PEM_BLOCK) ?? []);
  if (pems.length === 0) throw new Error('WIX_WEBHOOK_PUBLIC_KEY: no PEM public key found (expected a PEM, or base64 of a PEM).');
  return pems.map((pem, index) => {
    let key: KeyObject;
    try {
      key = createPublicKey(pem);
    } catch {
      throw new Error(`WIX_WEBHOOK_PUBLIC_KEY: key ${index + 1} is not a valid public key PEM.`);
    }
    if (key.asymmetricKeyType !== 'rsa') {
      throw new Error(
        `WIX_WEBHOOK_PUBLIC_KEY: key ${index + 1} is ${key.asymmetricKeyType ?? 'not asymmetric'}; Wix signs webhooks with RSA (RS256).`,
      );
    }
    return key;
  });
}
