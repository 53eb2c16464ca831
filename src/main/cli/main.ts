import { defaultDataDir, FileSecretStore } from '../host/node-ports';
import { machinePolicySources } from '../host/policy-locations';
import { runCli } from './cli';

/** `npm run -s cli -- <command>`: the CLI in plain Node. */
const status = await runCli(process.argv.slice(2), {
  io: {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
  host: 'node',
  defaultDataDir: process.env.HOTLINE_DESK_DATA_DIR ?? defaultDataDir(),
  machinePolicy: () => machinePolicySources(),
  openSecrets: (dataDir) => new FileSecretStore(dataDir),
});
process.exitCode = status;
