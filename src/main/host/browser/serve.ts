import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { AppError } from '../../../shared/result';
import { LOG_LEVELS, stderrLogger, type LogLevel } from '../../core/log';
import { guardProcess } from '../../core/process-guard';
import { fileExists } from '../../settings/settings-service';
import { APP_VERSION } from '../../version';
import { defaultDataDir } from '../node-ports';
import { startBrowserHost, type BrowserHost } from './browser-host';

const USAGE = `Usage: npm run serve -- [--port N] [--data-dir DIR] [--policy FILE] [--log-level LEVEL]

  --port N          port on 127.0.0.1 (0, the default, picks a free one)
  --data-dir DIR    data directory (default: ${defaultDataDir()})
  --policy FILE     machine policy file to apply (default: none)
  --log-level LEVEL debug, info, warn or error (default: info)`;

function fail(message: string): never {
  process.stderr.write(`serve: ${message}\n\n${USAGE}\n`);
  process.exit(2);
}

async function main(argv: string[]): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        port: { type: 'string', default: '0' },
        'data-dir': { type: 'string' },
        policy: { type: 'string' },
        'log-level': { type: 'string', default: 'info' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (error) {
    fail(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    fail(`--port must be a whole number from 0 to 65535, not "${values.port}"`);
  const level = values['log-level'] as LogLevel;
  if (!LOG_LEVELS.includes(level)) fail(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const policyFile = values.policy ? resolve(values.policy) : null;
  if (policyFile && !(await fileExists(policyFile))) fail(`--policy: no such file: ${policyFile}`);

  const here = dirname(fileURLToPath(import.meta.url));
  const rendererDir = join(here, '..', 'renderer');
  if (!(await fileExists(join(rendererDir, 'index.html')))) {
    fail(`the renderer is not built (${rendererDir}); run "npm run build" first`);
  }

  const log = stderrLogger(level).child('serve');
  // Signals are handled from here on, also while starting: the lock must always be released.
  let host: BrowserHost | null = null;
  guardProcess({
    log,
    beforeExit: async () => {
      await host?.close();
    },
    exit: (code) => process.exit(code),
  });
  let stopping = false;
  const stop = (): void => {
    // A second signal while shutting down must not kill the process before the lock is released.
    if (stopping) return;
    stopping = true;
    if (host) void host.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    host = await startBrowserHost({
      port,
      dataDir: resolve(values['data-dir'] ?? defaultDataDir()),
      policyFile,
      rendererDir,
      version: APP_VERSION,
      log,
    });
  } catch (error) {
    const message =
      error instanceof AppError || (error instanceof Error && 'code' in error) ? error.message : String(error);
    process.stderr.write(`serve: ${message}\n`);
    process.exit(1);
  }
  const started: BrowserHost = host;
  if (stopping) {
    // A signal came while starting: stop now that there is something to close.
    await started.close();
    process.exit(0);
  }
  process.stdout.write(`Hotline Desk is running at ${started.url}\n`);
}

void main(process.argv.slice(2));
