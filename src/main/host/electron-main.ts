import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, protocol, session } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_REQUEST_CHANNEL } from '../../shared/bridge';
import { fail } from '../../shared/result';
import { createApp, type App } from '../app';
import { runCli } from './cli/cli';
import { createLogger, teeWriters, type LogLevel } from '../core/log';
import { errorFields } from '../core/errors';
import { fileLogWriter } from '../core/log-file';
import { guardProcess } from '../core/process-guard';
import { systemClock } from '../ports';
import { APP_VERSION } from '../version';
import { lockDataDir, type DataDirLock } from './data-dir-lock';
import { InterfaceWatcher } from './network-watcher';
import { createNodeHidBackend } from './node-hid-backend';
import { securityHeaders } from './content-security-policy';
import { registerGlobalCallShortcuts } from './electron-shortcuts';
import { electronNotifier, electronPowerEvents, openElectronSecrets, windowAttention } from './electron-ports';
import {
  APP_ENTRY_URL,
  APP_HOST,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  createMainWindowOptions,
  createPermissionCheckHandler,
  createPermissionRequestHandler,
  denyWindowOpen,
  deviceRequestHandler,
  isAllowedRendererRequest,
  isTrustedSender,
  shouldBlockNavigation,
  SPELLCHECKER_DICTIONARY_URL,
} from './electron-security';
import { machinePolicySources } from './policy-locations';
import { electronUpdateFeed } from './electron-updates';
import { installKind } from './install-kind';
import { contentTypeFor, resolveAsset } from './static-files';

/**
 * The Electron host: thin on purpose. Everything it does beyond wiring lives in modules that
 * the browser host shares or that tests check without Electron (electron-security.ts).
 */

const rendererDir = fileURLToPath(new URL('../renderer', import.meta.url));
const preloadPath = fileURLToPath(new URL('../preload/index.cjs', import.meta.url));
// Only `electron-vite dev` sets this; a packaged app never loads from a dev server.
const devServerUrl = app.isPackaged ? null : (process.env.ELECTRON_RENDERER_URL ?? null);
const devServerOrigin = devServerUrl ? new URL(devServerUrl).origin : null;
// stderr for development, and a file in the user-data folder for support on the agent's laptop.
// The level follows the log.level setting (policy may set it) once settings are read.
let logLevel: LogLevel = app.isPackaged ? 'info' : 'debug';
const log = createLogger({
  level: () => logLevel,
  write: teeWriters(
    (record) => process.stderr.write(`${JSON.stringify(record)}\n`),
    fileLogWriter(join(app.getPath('userData'), 'logs')),
  ),
});

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

// The app's services once they run, so that a crash can still save what is pending.
let running: { app: App; lock: DataDirLock | null } | null = null;
guardProcess({
  log,
  beforeExit: async () => {
    await running?.app.close();
    await running?.lock?.release();
  },
  exit: (code) => app.exit(code),
});

const cliIndex = process.argv.indexOf('--cli');
if (cliIndex >= 0) {
  void runCliInApp(process.argv.slice(cliIndex + 1));
} else if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  void runConsole();
}

/** `HotlineDesk --cli <command>`: the CLI inside the app, with the OS keystore, and no window. */
async function runCliInApp(argv: string[]): Promise<void> {
  app.dock?.hide();
  await app.whenReady();
  const status = await runCli(argv, {
    io: { stdout: (text) => process.stdout.write(text), stderr: (text) => process.stderr.write(text) },
    host: 'electron',
    defaultDataDir: app.getPath('userData'),
    machinePolicy: () => machinePolicySources(),
    openSecrets: (dataDir) => openElectronSecrets(dataDir, log.child('secrets')),
  });
  app.exit(status);
}

function hardenSessions(): void {
  const defaultSession = session.defaultSession;
  defaultSession.setPermissionRequestHandler(createPermissionRequestHandler(devServerOrigin));
  defaultSession.setPermissionCheckHandler(createPermissionCheckHandler(devServerOrigin));
  defaultSession.setDevicePermissionHandler(deviceRequestHandler);
  defaultSession.setSpellCheckerDictionaryDownloadURL(SPELLCHECKER_DICTIONARY_URL);
  defaultSession.setSpellCheckerEnabled(false);
  // Nothing the window asks for leaves the machine (no fonts, no telemetry, no stray links).
  defaultSession.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isAllowedRendererRequest(details.url, devServerOrigin);
    if (!allowed) log.warn('request from the window refused', { scheme: details.url.split(':', 1)[0] ?? '' });
    callback({ cancel: !allowed });
  });

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => {
      if (shouldBlockNavigation(event.url, devServerOrigin)) event.preventDefault();
    });
    contents.on('will-redirect', (event) => {
      if (shouldBlockNavigation(event.url, devServerOrigin)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(denyWindowOpen);
  });

  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    const path = url.host === APP_HOST ? resolveAsset(rendererDir, url.pathname) : null;
    const body = path ? await fs.readFile(path).catch(() => null) : null;
    if (!path || !body) return new Response('Not found', { status: 404, headers: securityHeaders() });
    return new Response(body, { status: 200, headers: { ...securityHeaders(), 'Content-Type': contentTypeFor(path) } });
  });
}

async function runConsole(): Promise<void> {
  let mainWindow: BrowserWindow | null = null;
  let lock: DataDirLock | null = null;

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  });

  await app.whenReady();
  hardenSessions();
  // No default menu: it would offer reload and developer tools to every agent.
  if (app.isPackaged) Menu.setApplicationMenu(null);

  const dataDir = app.getPath('userData');
  let started: App;
  try {
    lock = await lockDataDir(dataDir, 'Electron app', {
      onLost: () => {
        log.error('another computer took over the data folder lock (roaming profile or share?)');
        dialog.showErrorBox(
          'Hotline Desk',
          'Ein anderer Computer verwendet jetzt denselben Datenordner. Bitte beenden Sie Hotline Desk und wenden Sie sich an Ihre IT.\n\nAnother computer now uses the same data folder. Please quit Hotline Desk and contact your IT.',
        );
      },
    });
    started = await createApp({
      host: { kind: 'electron', version: APP_VERSION, platform: process.platform },
      paths: {
        dataDir,
        // Not Documents: it is often synced to a cloud drive, and exports hold health data.
        exportsDir: join(dataDir, 'exports'),
      },
      policy: machinePolicySources(),
      secrets: await openElectronSecrets(dataDir, log.child('secrets')),
      power: electronPowerEvents,
      network: new InterfaceWatcher(),
      hid: createNodeHidBackend({ log: log.child('hid') }),
      notifier: electronNotifier,
      attention: windowAttention(() => mainWindow),
      updates: electronUpdateFeed(
        installKind({
          isPackaged: app.isPackaged,
          platform: process.platform,
          executable: process.execPath,
          env: process.env,
        }),
        log.child('updates'),
      ),
      clock: systemClock,
      log,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log.error('start failed', { error: message });
    // Started by a double-click there is no terminal: say it where the agent looks.
    dialog.showErrorBox(
      'Hotline Desk',
      `Hotline Desk konnte nicht starten. / Hotline Desk could not start.\n\n${message}`,
    );
    await lock?.release();
    app.exit(1);
    return;
  }

  running = { app: started, lock };
  // A development run keeps logging everything; a packaged one logs what the setting says.
  const followLogLevel = (): void => {
    if (app.isPackaged) logLevel = started.settings.get('log.level');
  };
  followLogLevel();
  started.settings.onChange(followLogLevel);

  ipcMain.handle(IPC_REQUEST_CHANNEL, (event, name: unknown, input: unknown) => {
    if (!isTrustedSender(event.senderFrame, devServerOrigin)) {
      log.warn('ipc refused: untrusted sender');
      return fail('forbidden', 'Requests are accepted only from the app’s own window.');
    }
    return started.dispatch(name, input, { clientId: `window-${event.sender.id}` }).catch((error: unknown) => {
      log.error('a request was not answered', errorFields(error));
      return fail('internal', 'The request failed unexpectedly; details are in the log.');
    });
  });

  const openWindow = (): void => {
    const options = createMainWindowOptions(preloadPath);
    const window = new BrowserWindow({
      ...options,
      webPreferences: { ...options.webPreferences, devTools: !app.isPackaged },
    });
    mainWindow = window;
    const detach = started.attach({
      id: `window-${window.webContents.id}`,
      send: (name, payload) => {
        if (!window.isDestroyed()) window.webContents.send(IPC_EVENT_CHANNEL, name, payload);
      },
    });
    window.once('ready-to-show', () => window.show());
    window.on('closed', () => {
      detach();
      if (mainWindow === window) mainWindow = null;
    });
    window.loadURL(devServerUrl ?? APP_ENTRY_URL).catch((error: unknown) => {
      log.error('the console page did not load', errorFields(error));
    });
  };
  openWindow();
  const stopShortcuts = registerGlobalCallShortcuts(started, log.child('shortcuts'));

  app.on('activate', () => {
    if (!mainWindow) openWindow();
  });
  app.on('window-all-closed', () => app.quit());
  app.once('will-quit', (event) => {
    event.preventDefault();
    void (async () => {
      stopShortcuts();
      await started.close();
      await lock?.release();
      app.exit(0);
    })();
  });
}
