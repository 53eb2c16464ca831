/** The SIP password's entry in the secret store. */
export const SIP_PASSWORD_SECRET = 'sip.password';
/**
 * Set when the SIP password lay beside the data (an earlier version kept it in a file in the data
 * folder): it may be in backups, so it is to be changed at the PBX. Cleared by a new password.
 */
export const SIP_PASSWORD_EXPOSED_SECRET = 'sip.passwordExposed';
