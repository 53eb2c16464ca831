import type {
  BrowserWindowConstructorOptions,
  HandlerDetails,
  Session,
  WebFrameMain,
  WindowOpenHandlerResponse,
} from 'electron';
import { contentSecurityPolicy } from './content-security-policy';

/**
 * The hardened values of the Electron host, as plain functions so that a test can check them
 * without launching Electron. This module imports `electron` for types only.
 */

/** The UI is served from this privileged custom scheme, never from file://. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'hotline-desk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Passed to `protocol.registerSchemesAsPrivileged` before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: {
    standard: true,
    secure: true,
    supportFetchAPI: true,
    codeCache: true,
    stream: true,
    corsEnabled: false,
    bypassCSP: false,
    allowServiceWorkers: false,
  },
} as const;

/** Where spellchecker dictionaries would be fetched from: a name that can never resolve. */
export const SPELLCHECKER_DICTIONARY_URL = 'https://dictionaries.invalid/';

export { contentSecurityPolicy };

export function createMainWindowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Hotline Desk',
    backgroundColor: '#f6f7f9',
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      enableBlinkFeatures: '',
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      safeDialogs: true,
      // Calls must keep ringing and timers must keep running while the window is hidden.
      backgroundThrottling: false,
    },
  };
}

/** True for URLs of the app itself (and, in development only, the dev server's origin). */
export function isAppUrl(url: string, devServerOrigin: string | null = null): boolean {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST) return true;
    return devServerOrigin !== null && parsed.origin === devServerOrigin;
  } catch {
    return false;
  }
}

/**
 * Whether the window may load a URL at all. The renderer needs only the app's own files (and
 * blob:/data: it makes itself); it talks to main over IPC and to nobody else, so no request
 * from it reaches the network. SIP runs in main, media goes peer to peer with the PBX, and the
 * update check uses electron-updater's own session: the console's only traffic.
 */
export function isAllowedRendererRequest(url: string, devServerOrigin: string | null = null): boolean {
  if (isAppUrl(url, devServerOrigin)) return true;
  try {
    const { protocol } = new URL(url);
    // devtools: only in development (packaged windows have devTools off).
    return protocol === 'blob:' || protocol === 'data:' || (devServerOrigin !== null && protocol === 'devtools:');
  } catch {
    return false;
  }
}

/** Permissions the app's own pages get; everything else, and everything for any other origin, is denied. */
export const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['media', 'speaker-selection']);

type PermissionRequestHandler = NonNullable<Parameters<Session['setPermissionRequestHandler']>[0]>;

/** `session.setPermissionRequestHandler`: audio capture and speaker selection for the app, nothing else. */
export function createPermissionRequestHandler(devServerOrigin: string | null = null): PermissionRequestHandler {
  return (_webContents, permission, callback, details) => {
    const mediaTypes = 'mediaTypes' in details ? details.mediaTypes : undefined;
    callback(isPermissionAllowed(permission, details.requestingUrl, mediaTypes, devServerOrigin));
  };
}

export function isPermissionAllowed(
  permission: string,
  requestingUrl: string,
  mediaTypes: readonly string[] | undefined,
  devServerOrigin: string | null = null,
): boolean {
  if (!isAppUrl(requestingUrl, devServerOrigin)) return false;
  if (!GRANTED_PERMISSIONS.has(permission)) return false;
  // Microphone only: no camera, no screen.
  if (permission === 'media')
    return mediaTypes !== undefined && mediaTypes.length > 0 && mediaTypes.every((type) => type === 'audio');
  return true;
}

/** `session.setPermissionCheckHandler`: the synchronous checks (enumerateDevices, setSinkId). */
type PermissionCheckHandler = NonNullable<Parameters<Session['setPermissionCheckHandler']>[0]>;

export function createPermissionCheckHandler(devServerOrigin: string | null = null): PermissionCheckHandler {
  return (_webContents, permission, requestingOrigin, details) => {
    if (!isAppUrl(requestingOrigin, devServerOrigin)) return false;
    if (permission === 'media') return details.mediaType === undefined || details.mediaType === 'audio';
    return GRANTED_PERMISSIONS.has(permission);
  };
}

/** WebHID, WebUSB and serial are never for the renderer: headsets are handled in main. */
export function deviceRequestHandler(): boolean {
  return false;
}

/** `will-navigate` / `will-redirect`: stay on the app. */
export function shouldBlockNavigation(url: string, devServerOrigin: string | null = null): boolean {
  return !isAppUrl(url, devServerOrigin);
}

/** `setWindowOpenHandler`: no new windows, ever. Links to the outside are not opened either. */
export function denyWindowOpen(_details: HandlerDetails): WindowOpenHandlerResponse {
  return { action: 'deny' };
}

/**
 * Every IPC message must come from the main frame of one of our windows, showing our own page:
 * not from a subframe, not after a navigation elsewhere.
 */
export function isTrustedSender(
  frame: Pick<WebFrameMain, 'url' | 'parent'> | null,
  devServerOrigin: string | null = null,
): boolean {
  if (!frame) return false;
  return frame.parent === null && isAppUrl(frame.url, devServerOrigin);
}
