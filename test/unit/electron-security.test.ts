import { FuseV1Options } from '@electron/fuses';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_SECURITY_POLICY_DIRECTIVES,
  contentSecurityPolicy,
  securityHeaders,
} from '../../src/main/host/content-security-policy';
import { HARDENED_FUSES } from '../../src/main/host/electron-fuses';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  APP_SCHEME_PRIVILEGES,
  createMainWindowOptions,
  createPermissionCheckHandler,
  createPermissionRequestHandler,
  denyWindowOpen,
  deviceRequestHandler,
  isTrustedSender,
  shouldBlockNavigation,
  SPELLCHECKER_DICTIONARY_URL,
  isAllowedRendererRequest,
} from '../../src/main/host/electron-security';

type RequestHandler = ReturnType<typeof createPermissionRequestHandler>;
type RequestDetails = Parameters<RequestHandler>[3];
type CheckDetails = Parameters<ReturnType<typeof createPermissionCheckHandler>>[3];
type CheckPermission = Parameters<ReturnType<typeof createPermissionCheckHandler>>[1];

function ask(handler: RequestHandler, permission: string, requestingUrl: string, extra: object = {}): boolean {
  let granted: boolean | undefined;
  handler(null as never, permission as Parameters<RequestHandler>[1], (answer) => (granted = answer), {
    requestingUrl,
    isMainFrame: true,
    ...extra,
  } as RequestDetails);
  if (granted === undefined) throw new Error('the handler did not answer');
  return granted;
}

describe('Electron window', () => {
  const options = createMainWindowOptions('/app/out/preload/index.cjs');
  const web = options.webPreferences!;

  it('isolates and sandboxes the renderer, with no Node', () => {
    expect(web).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
  });

  it('turns the spellchecker off and points its dictionary downloads nowhere', () => {
    expect(web.spellcheck).toBe(false);
    expect(new URL(SPELLCHECKER_DICTIONARY_URL).hostname.endsWith('.invalid')).toBe(true);
  });

  it('serves the UI from a privileged custom scheme, not file://', () => {
    expect(APP_ENTRY_URL.startsWith(`${APP_ORIGIN}/`)).toBe(true);
    expect(APP_ORIGIN.startsWith('file:')).toBe(false);
    expect(APP_SCHEME_PRIVILEGES.privileges).toMatchObject({
      standard: true,
      secure: true,
      bypassCSP: false,
      allowServiceWorkers: false,
    });
  });
});

describe('Content Security Policy', () => {
  it('allows only the app’s own scripts and styles, no inline code or eval', () => {
    expect(CONTENT_SECURITY_POLICY_DIRECTIVES['default-src']).toEqual(["'none'"]);
    expect(CONTENT_SECURITY_POLICY_DIRECTIVES['script-src']).toEqual(["'self'"]);
    expect(CONTENT_SECURITY_POLICY_DIRECTIVES['style-src']).toEqual(["'self'"]);
    const policy = contentSecurityPolicy();
    for (const loophole of ["'unsafe-inline'", "'unsafe-eval'", "'wasm-unsafe-eval'", '*', 'http:', 'https:']) {
      expect(policy.split(/[ ;]+/)).not.toContain(loophole);
    }
    expect(policy).toContain("object-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("base-uri 'none'");
  });

  it('is sent with the other security headers', () => {
    expect(securityHeaders()).toMatchObject({
      'Content-Security-Policy': contentSecurityPolicy(),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
    });
  });
});

describe('Electron fuses', () => {
  it('sets every fuse Electron has, explicitly', () => {
    const fuseIndexes = Object.values(FuseV1Options).filter((value): value is number => typeof value === 'number');
    for (const index of fuseIndexes) expect(HARDENED_FUSES).toHaveProperty(String(index));
    expect(HARDENED_FUSES.strictlyRequireAllFuses).toBe(true);
  });

  it('has the hardened values', () => {
    expect(HARDENED_FUSES[FuseV1Options.RunAsNode]).toBe(false);
    expect(HARDENED_FUSES[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(HARDENED_FUSES[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(HARDENED_FUSES[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(HARDENED_FUSES[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(HARDENED_FUSES[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(HARDENED_FUSES[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
  });
});

describe('permissions', () => {
  const request = createPermissionRequestHandler();
  const check = createPermissionCheckHandler();
  const page = `${APP_ORIGIN}/index.html`;

  it('grants the app microphone capture and speaker selection', () => {
    expect(ask(request, 'media', page, { mediaTypes: ['audio'] })).toBe(true);
    expect(ask(request, 'speaker-selection', page)).toBe(true);
    expect(check(null, 'media', APP_ORIGIN, { mediaType: 'audio' } as CheckDetails)).toBe(true);
    expect(check(null, 'speaker-selection', APP_ORIGIN, {} as CheckDetails)).toBe(true);
  });

  it('refuses the camera, even together with the microphone', () => {
    expect(ask(request, 'media', page, { mediaTypes: ['video'] })).toBe(false);
    expect(ask(request, 'media', page, { mediaTypes: ['audio', 'video'] })).toBe(false);
    expect(ask(request, 'media', page, { mediaTypes: [] })).toBe(false);
    expect(check(null, 'media', APP_ORIGIN, { mediaType: 'video' } as CheckDetails)).toBe(false);
  });

  it('refuses everything else the app might be asked for', () => {
    for (const permission of [
      'geolocation',
      'notifications',
      'hid',
      'usb',
      'serial',
      'clipboard-read',
      'openExternal',
      'display-capture',
      'fullscreen',
    ]) {
      expect(ask(request, permission, page)).toBe(false);
      expect(check(null, permission as CheckPermission, APP_ORIGIN, {} as CheckDetails)).toBe(false);
    }
    expect(deviceRequestHandler()).toBe(false);
  });

  it('refuses every other origin, even what the app itself may have', () => {
    for (const url of [
      'https://evil.example/',
      'file:///etc/passwd',
      'app://other-host/index.html',
      'http://127.0.0.1:5173/',
    ]) {
      expect(ask(request, 'media', url, { mediaTypes: ['audio'] })).toBe(false);
      expect(check(null, 'speaker-selection', url, {} as CheckDetails)).toBe(false);
    }
  });

  it('lets only the development server in, and only when one is named', () => {
    const dev = createPermissionRequestHandler('http://localhost:5173');
    expect(ask(dev, 'media', 'http://localhost:5173/', { mediaTypes: ['audio'] })).toBe(true);
    expect(ask(dev, 'media', 'http://localhost:5174/', { mediaTypes: ['audio'] })).toBe(false);
  });
});

describe('navigation and windows', () => {
  it('stays on the app', () => {
    expect(shouldBlockNavigation(`${APP_ORIGIN}/index.html#/settings`)).toBe(false);
    for (const url of [
      'https://example.org/',
      'file:///tmp/x.html',
      'javascript:alert(1)',
      'app://hotline-desk.evil/',
      'not a url',
    ]) {
      expect(shouldBlockNavigation(url)).toBe(true);
    }
  });

  it('lets the window load only the app’s own files: no request of it reaches the network', () => {
    for (const url of [
      `${APP_ORIGIN}/index.html`,
      `${APP_ORIGIN}/assets/ring.ogg`,
      'blob:app://hotline-desk/1',
      'data:,x',
    ])
      expect(isAllowedRendererRequest(url), url).toBe(true);
    for (const url of [
      'https://fonts.example.org/font.woff2',
      'http://127.0.0.1:8080/',
      'wss://pbx.example.org/ws',
      'https://dictionaries.invalid/de-DE-3-0.bdic',
      'file:///etc/passwd',
      'devtools://devtools/bundled/inspector.html',
      'app://hotline-desk.evil/',
      'not a url',
    ])
      expect(isAllowedRendererRequest(url), url).toBe(false);
    // The development server (electron-vite dev) only when one is named.
    expect(isAllowedRendererRequest('http://localhost:5173/src/main.tsx', 'http://localhost:5173')).toBe(true);
    expect(isAllowedRendererRequest('http://localhost:5173/src/main.tsx')).toBe(false);
  });

  it('never opens a new window', () => {
    expect(denyWindowOpen({ url: `${APP_ORIGIN}/index.html` } as Parameters<typeof denyWindowOpen>[0])).toEqual({
      action: 'deny',
    });
    expect(denyWindowOpen({ url: 'https://example.org/' } as Parameters<typeof denyWindowOpen>[0])).toEqual({
      action: 'deny',
    });
  });
});

describe('IPC sender check', () => {
  it('accepts the app’s main frame', () => {
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, parent: null })).toBe(true);
  });

  it('refuses subframes, other pages and missing frames', () => {
    const parent = { url: `${APP_ORIGIN}/index.html`, parent: null } as never;
    expect(isTrustedSender({ url: `${APP_ORIGIN}/index.html`, parent })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'file:///index.html', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });
});
