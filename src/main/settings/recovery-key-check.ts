import { createPublicKey } from 'node:crypto';

/** The smallest RSA modulus accepted for the organisation's recovery key (NIST: 3072 bits past 2030). */
export const MIN_RECOVERY_KEY_BITS = 3072;

/** Null when the PEM is an RSA public key of at least 3072 bits; else what is wrong with it. */
export function checkRecoveryPublicKey(pem: string): string | null {
  if (pem === '') return null;
  // Node would derive the public half of a private key: the private key must never be in policy.
  if (/PRIVATE KEY-----/.test(pem)) return 'holds a private key; policy takes the public key only';
  try {
    const key = createPublicKey({ key: pem, format: 'pem' });
    if (key.asymmetricKeyType !== 'rsa')
      return `expected an RSA key, got ${key.asymmetricKeyType ?? 'an unknown type'}`;
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    if (bits < MIN_RECOVERY_KEY_BITS) return `expected at least ${MIN_RECOVERY_KEY_BITS} bits, the key has ${bits}`;
    return null;
  } catch {
    return 'not a readable public key in PEM';
  }
}
