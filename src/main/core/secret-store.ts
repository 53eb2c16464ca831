/**
 * The secret store, as the features that keep secrets see it (the port): the call log's key and
 * the SIP password. The hosts implement it (host/node-secrets.ts, host/electron-ports.ts).
 */

/** Why the operating system's keystore is not used. */
export type KeystoreProblem = 'no_keystore' | 'keystore_locked' | 'keystore_failed' | 'basic_text';

export interface SecretProtection {
  /** True when the operating system protects the secrets (DPAPI, Keychain, libsecret, kwallet). */
  readonly protected: boolean;
  /** Which backend holds them, for Settings and diagnostics: `dpapi`, `keychain`, `gnome_libsecret`, `file`, … */
  readonly backend: string;
  /** Where an unprotected store keeps them (a file outside the data folder). */
  readonly location?: string;
  /** Why there is no keystore (no Secret Service, a locked one, …), as the system said it (for IT). */
  readonly reason?: string;
  /** The same as a code the UI words in the agent's language. */
  readonly reasonCode?: KeystoreProblem;
}

export interface SecretStore {
  readonly protection: SecretProtection;
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
}
