import { FileSecretStore, stateSecretsFile } from '../../src/main/host/secret-files';

/**
 * The secret store the hosts use for a data folder when there is no keystore, as in the test run
 * (global-build.ts points XDG_STATE_HOME at a folder of the run and takes away the session bus):
 * the 0600 file in the state folder. A test and a host it starts (a CLI, a browser host) share it.
 */
export function testSecrets(dataDir: string): FileSecretStore {
  return new FileSecretStore(stateSecretsFile(process.env, process.platform, dataDir));
}
