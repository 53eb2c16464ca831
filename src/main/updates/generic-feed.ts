import { z } from 'zod';
import type { InstallKind } from '../../shared/contract/updates';
import type { UpdateFeed } from './update-service';
import { isVersion } from './versions';

/** electron-builder's channel file for this platform on a generic server (as electron-updater reads it). */
export function channelFile(platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  if (platform === 'win32') return 'latest.yml';
  if (platform === 'darwin') return 'latest-mac.yml';
  return arch === 'x64' ? 'latest-linux.yml' : `latest-linux-${arch}.yml`;
}

/** Channel files are a few hundred bytes; anything much larger is not one. */
const MAX_CHANNEL_BYTES = 256 * 1024;

const versionSchema = z.string().refine(isVersion, 'expected a version such as 1.2.3');

/** The top-level `version:` of a channel file (latest.yml), the one field a check needs. */
export function channelVersion(text: string): string {
  const match = /^version:[ \t]*(['"]?)([^'"\s#]+)\1[ \t]*(?:#.*)?$/m.exec(text);
  const parsed = versionSchema.safeParse(match?.[2]);
  if (!parsed.success) throw new Error('the channel file has no valid version: line');
  return parsed.data;
}

/**
 * Checks the generic update server the way electron-updater does (GET <url>/<channel file>),
 * without installing: the browser host's feed, and the reference the tests hold the app to.
 */
export function genericFeed(options: {
  readonly installKind: InstallKind;
  readonly platform?: NodeJS.Platform;
  readonly arch?: string;
  readonly timeoutMs?: number;
}): UpdateFeed {
  return {
    installKind: options.installKind,
    async check(url) {
      const base = url.endsWith('/') ? url : `${url}/`;
      const target = new URL(channelFile(options.platform, options.arch), base);
      let response: Response;
      try {
        response = await fetch(target, {
          redirect: 'error',
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
          headers: { 'Cache-Control': 'no-cache' },
        });
      } catch (error) {
        // fetch says only "fetch failed"; the cause (ECONNREFUSED, ENOTFOUND, a certificate) helps IT.
        const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
        const code = (cause as NodeJS.ErrnoException | undefined)?.code;
        const reason = code ?? (cause instanceof Error ? cause.message : 'unknown error');
        throw new Error(`the update server ${target.host} cannot be reached (${reason})`, { cause: error });
      }
      if (!response.ok) throw new Error(`the update server answered ${response.status} for ${target.pathname}`);
      const length = Number(response.headers.get('content-length') ?? 0);
      if (length > MAX_CHANNEL_BYTES) throw new Error('the channel file is too large');
      const text = await response.text();
      if (text.length > MAX_CHANNEL_BYTES) throw new Error('the channel file is too large');
      return { version: channelVersion(text) };
    },
  };
}
