import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { IPC_REQUEST_CHANNEL } from '../../src/shared/bridge';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME_PRIVILEGES,
  SPELLCHECKER_DICTIONARY_URL,
} from '../../src/main/host/electron-security';

/**
 * The Electron binary cannot run here. This test loads the *built* Electron entry
 * (out/main/electron-main.js) with the `electron` module replaced by a recorder, and checks that
 * the host wires what electron-security.ts defines: the privileged scheme, the session
 * handlers, the hardened window, the app:// protocol with its CSP, the IPC sender check, and the
 * navigation guards. The core behind it is real.
 */
type Listener = (...args: unknown[]) => unknown;

const userData = mkdtempSync(join(tmpdir(), 'hotline-desk-electron-'));
const recorder = {
  schemes: [] as unknown[],
  protocolHandlers: new Map<string, (request: Request) => Promise<Response>>(),
  ipcHandlers: new Map<string, Listener>(),
  appListeners: new Map<string, Listener[]>(),
  session: {} as Record<string, unknown>,
  applicationMenu: 'unset' as unknown,
  windows: [] as { options: Record<string, unknown>; loaded: string | null; focused: number }[],
  shortcuts: new Map<string, () => void>(),
};

vi.mock('electron', () => {
  const on = (event: string, listener: Listener) => {
    const list = recorder.appListeners.get(event) ?? [];
    list.push(listener);
    recorder.appListeners.set(event, list);
  };
  class BrowserWindow {
    readonly record: (typeof recorder.windows)[number];
    readonly webContents = { id: 7, send: () => undefined };
    constructor(options: Record<string, unknown>) {
      this.record = { options, loaded: null, focused: 0 };
      recorder.windows.push(this.record);
    }
    once() {}
    on() {}
    isDestroyed() {
      return false;
    }
    isMinimized() {
      return false;
    }
    restore() {}
    show() {}
    focus() {
      this.record.focused += 1;
    }
    isFocused() {
      return true;
    }
    flashFrame() {}
    loadURL(url: string) {
      this.record.loaded = url;
      return Promise.resolve();
    }
  }
  return {
    app: {
      isPackaged: true,
      getPath: () => userData,
      requestSingleInstanceLock: () => true,
      whenReady: () => Promise.resolve(),
      on,
      once: on,
      quit: () => undefined,
      exit: () => undefined,
      dock: undefined,
    },
    BrowserWindow,
    dialog: { showErrorBox: () => undefined },
    ipcMain: { handle: (channel: string, listener: Listener) => recorder.ipcHandlers.set(channel, listener) },
    Menu: { setApplicationMenu: (menu: unknown) => (recorder.applicationMenu = menu) },
    protocol: {
      registerSchemesAsPrivileged: (schemes: unknown[]) => recorder.schemes.push(...schemes),
      handle: (scheme: string, handler: (request: Request) => Promise<Response>) =>
        recorder.protocolHandlers.set(scheme, handler),
    },
    session: {
      defaultSession: new Proxy(
        {},
        {
          get: (_target, name: string) =>
            name === 'webRequest'
              ? { onBeforeRequest: (listener: Listener) => (recorder.session.onBeforeRequest = listener) }
              : (value: unknown) => (recorder.session[name] = value ?? true),
        },
      ),
    },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (text: string) => Buffer.from(text).reverse(),
      decryptString: (data: Buffer) => Buffer.from(data).reverse().toString(),
    },
    powerMonitor: { on: () => undefined, off: () => undefined },
    globalShortcut: {
      register: (accelerator: string, callback: () => void) => {
        recorder.shortcuts.set(accelerator, callback);
        return true;
      },
      unregisterAll: () => recorder.shortcuts.clear(),
    },
    Notification: class {
      static isSupported() {
        return false;
      }
    },
  };
});

beforeAll(async () => {
  // @ts-expect-error the built bundle has no declarations
  await import('../../out/main/electron-main.js');
  for (let i = 0; i < 500 && !recorder.ipcHandlers.has(IPC_REQUEST_CHANNEL); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
});

describe('the built Electron host', () => {
  it('registers the app:// scheme as privileged before anything loads', () => {
    expect(recorder.schemes).toEqual([APP_SCHEME_PRIVILEGES]);
  });

  it('hardens the session: permissions, devices, spellchecker', () => {
    expect(recorder.session.setPermissionRequestHandler).toBeTypeOf('function');
    expect(recorder.session.setPermissionCheckHandler).toBeTypeOf('function');
    expect(recorder.session.setDevicePermissionHandler).toBeTypeOf('function');
    expect(recorder.session.setSpellCheckerDictionaryDownloadURL).toBe(SPELLCHECKER_DICTIONARY_URL);
    expect(recorder.session.setSpellCheckerEnabled).toBe(false);
  });

  it('cancels every request of the window that is not for the app’s own files', () => {
    const filter = recorder.session.onBeforeRequest as (
      details: { url: string },
      callback: (response: { cancel: boolean }) => void,
    ) => void;
    expect(filter).toBeTypeOf('function');
    const decide = (url: string): boolean => {
      let cancelled: boolean | null = null;
      filter({ url }, (response) => (cancelled = response.cancel));
      return cancelled === true;
    };
    expect(decide(APP_ENTRY_URL)).toBe(false);
    expect(decide('https://telemetry.example.org/collect')).toBe(true);
    expect(decide(`${SPELLCHECKER_DICTIONARY_URL}de-DE-3-0.bdic`)).toBe(true);
  });

  it('removes the menu of a packaged app and opens one hardened window on app://', () => {
    expect(recorder.applicationMenu).toBeNull();
    expect(recorder.windows).toHaveLength(1);
    const [window] = recorder.windows;
    expect(window!.loaded).toBe(APP_ENTRY_URL);
    expect(window!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      devTools: false,
      preload: expect.stringMatching(/out[\\/]preload[\\/]index\.cjs$/),
    });
  });

  it('serves the renderer over app:// with the CSP, and nothing outside it', async () => {
    const handler = recorder.protocolHandlers.get('app')!;
    const page = await handler(new Request(`${APP_ORIGIN}/index.html`));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('<div id="root"></div>');
    expect((await handler(new Request(`${APP_ORIGIN}/%2e%2e/%2e%2e/package.json`))).status).toBe(404);
    expect((await handler(new Request('app://another-host/index.html'))).status).toBe(404);
  });

  it('answers IPC from the app’s main frame through the real core, and refuses other senders', async () => {
    const handle = recorder.ipcHandlers.get(IPC_REQUEST_CHANNEL)!;
    const trusted = { senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null }, sender: { id: 7 } };
    expect(await handle(trusted, 'app.info', {})).toMatchObject({
      ok: true,
      value: { host: 'electron', secretStorage: { protected: true, backend: 'gnome_libsecret' } },
    });
    expect(await handle(trusted, 'settings.update', { key: 'ui.language', value: 'xx' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input' },
    });
    const subframe = { senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: {} }, sender: { id: 7 } };
    expect(await handle(subframe, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const foreign = { senderFrame: { url: 'https://evil.example/', parent: null }, sender: { id: 7 } };
    expect(await handle(foreign, 'app.info', {})).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('guards every web contents: no navigation away, no new windows, no webviews', () => {
    const [created] = recorder.appListeners.get('web-contents-created')!;
    const listeners = new Map<string, Listener>();
    let openHandler: Listener | null = null;
    const contents = {
      on: (event: string, listener: Listener) => listeners.set(event, listener),
      setWindowOpenHandler: (handler: Listener) => (openHandler = handler),
    };
    created!({}, contents);
    const navigate = (event: string, url: string) => {
      let prevented = false;
      listeners.get(event)!({ url, preventDefault: () => (prevented = true) });
      return prevented;
    };
    expect(navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(navigate('will-redirect', 'file:///etc/passwd')).toBe(true);
    expect(navigate('will-navigate', `${APP_ORIGIN}/index.html#/settings`)).toBe(false);
    let webviewPrevented = false;
    listeners.get('will-attach-webview')!({ preventDefault: () => (webviewPrevented = true) });
    expect(webviewPrevented).toBe(true);
    expect(openHandler!({ url: 'https://example.org/' })).toEqual({ action: 'deny' });
  });

  it('focuses the running window when a second instance starts', () => {
    const [secondInstance] = recorder.appListeners.get('second-instance')!;
    secondInstance!();
    expect(recorder.windows[0]!.focused).toBe(1);
  });

  it('registers the OS-wide call shortcuts from the settings, and again when they change', async () => {
    expect([...recorder.shortcuts.keys()].sort()).toEqual(
      ['CommandOrControl+Alt+A', 'CommandOrControl+Alt+E', 'CommandOrControl+Alt+H', 'CommandOrControl+Alt+M'].sort(),
    );
    // With no call, a shortcut does nothing (and does not throw).
    recorder.shortcuts.get('CommandOrControl+Alt+A')!();
    const handle = recorder.ipcHandlers.get(IPC_REQUEST_CHANNEL)!;
    const trusted = { senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null }, sender: { id: 7 } };
    await handle(trusted, 'settings.update', { key: 'shortcuts.answer', value: 'Ctrl+Shift+F9' });
    await handle(trusted, 'settings.update', { key: 'shortcuts.hold', value: '' });
    expect([...recorder.shortcuts.keys()].sort()).toEqual(
      ['CommandOrControl+Alt+E', 'CommandOrControl+Alt+M', 'Ctrl+Shift+F9'].sort(),
    );
  });

  it('keeps the data directory locked while it runs', () => {
    expect(JSON.parse(readFileSync(join(userData, 'hotline-desk.lock'), 'utf8'))).toMatchObject({
      host: 'Electron app',
    });
  });
});

describe('the built preload', () => {
  it('is self-contained: it requires nothing but electron (a sandboxed preload can load nothing else)', () => {
    const source = readFileSync('out/preload/index.cjs', 'utf8');
    const required = [...source.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map((match) => match[1]);
    expect(required).toEqual(['electron']);
    expect(source).not.toMatch(/\bimport\s*\(/);
  });
});
