import { defaultDataDir } from '../node-ports';
import { openNodeSecrets } from '../node-secrets';
import { machinePolicySources } from '../policy-locations';
import { stderrLogger } from '../../core/log';
import { guardProcess } from '../../core/process-guard';
import { runCli } from './cli';

// A command that breaks in a way nobody foresaw says so in one line (never a message that may
// quote personal data) and exits; the commands themselves close what they opened.
guardProcess({ log: stderrLogger('error'), beforeExit: async () => undefined, exit: (code) => process.exit(code) });

/** `npm run -s cli -- <command>`: the CLI in plain Node. */
const status = await runCli(process.argv.slice(2), {
  io: {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
  host: 'node',
  defaultDataDir: process.env.HOTLINE_DESK_DATA_DIR ?? defaultDataDir(),
  machinePolicy: () => machinePolicySources(),
  openSecrets: async (dataDir) =>
    (await openNodeSecrets({ dataDir, env: process.env, platform: process.platform, log: stderrLogger('error') }))
      .store,
});
process.exitCode = status;
