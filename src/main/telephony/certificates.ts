import { getCACertificates } from 'node:tls';

/**
 * The CAs a wss:// PBX may be signed by: Node's bundled ones, the operating system's store
 * (where IT installs the internal CA) and the extra ones from policy.
 */
export function trustedCertificates(extra: readonly string[]): string[] {
  const system = safely(() => getCACertificates('system'));
  const bundled = safely(() => getCACertificates('default'));
  return [...new Set([...bundled, ...system, ...extra])];
}

function safely(read: () => string[]): string[] {
  try {
    return read();
  } catch {
    return [];
  }
}
