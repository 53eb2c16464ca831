import { execFile } from 'node:child_process';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { join, win32 } from 'node:path';
import { windowsDirectory } from '../../core/windows-paths';
import {
  RegistryFormatError,
  DEFAULT_POLICY_KEY,
  MAX_EXPORT_BYTES,
  parseRegExport,
  type RegistryExport,
} from './registry-export';

/**
 * Windows Group Policy for the app, read from the registry without a native module: reg.exe exports
 * the policy key to a file and registry-export.ts parses that file. Everything is decided on exit
 * codes and the exported bytes, never on reg.exe's messages (they are localised and the console
 * code page varies).
 */

export interface RunResult {
  readonly exitCode: number | null;
  /** Why the process gave no exit code: a spawn failure code like 'ENOENT', or 'ETIMEDOUT'. */
  readonly error?: string;
}

export interface RegistryReadOptions {
  /** Default 'HKLM\\SOFTWARE\\Policies\\HotlineDesk'. */
  readonly keyPath?: string;
  /** Runs reg.exe (injected; `runRegExe` in the app). */
  readonly run: (file: string, args: readonly string[]) => Promise<RunResult>;
  /** Where the export goes: a fresh private folder is made inside it and removed afterwards. */
  readonly tempDir: string;
}

export type RegistryReadResult =
  | { readonly state: 'absent' }
  | { readonly state: 'read'; readonly export: RegistryExport }
  | { readonly state: 'failed'; readonly reason: string };

/** A key that exists on every Windows: if reg.exe can query it, reg.exe itself works. */
const ALWAYS_PRESENT_KEY = 'HKLM\\SOFTWARE\\Policies';

/**
 * Reads the policy key through `reg export`. `absent` when the key does not exist, `failed` (to be
 * reported to administrators) when reg.exe cannot run or cannot read the registry, or when the
 * export is not in the expected format. Never rejects.
 */
export async function readRegistryPolicy(options: RegistryReadOptions): Promise<RegistryReadResult> {
  const keyPath = options.keyPath ?? DEFAULT_POLICY_KEY;
  let folder: string;
  try {
    // mkdtemp makes the folder 0700: no other local user can swap the export file under us.
    folder = await mkdtemp(join(options.tempDir, 'hotline-desk-reg-'));
  } catch (error) {
    return failed(
      `could not make a temporary folder in ${options.tempDir} for the registry export: ${describe(error)}`,
    );
  }
  try {
    return await exportAndParse(keyPath, join(folder, 'policy.reg'), options.run);
  } catch (error) {
    return failed(`reading the registry policy ${keyPath} failed: ${describe(error)}`);
  } finally {
    // A folder left behind (a virus scanner holding the file) must not turn a read into a failure.
    await rm(folder, { recursive: true, force: true, maxRetries: 3 }).catch(() => undefined);
  }
}

async function exportAndParse(
  keyPath: string,
  file: string,
  run: RegistryReadOptions['run'],
): Promise<RegistryReadResult> {
  const reg = regExecutable();
  const exported = await runSafely(run, reg, ['export', keyPath, file, '/y', '/reg:64']);
  if (exported.exitCode === null)
    return failed(`could not run reg.exe (${reg}) for reg export: ${exported.error ?? 'no exit code'}`);
  if (exported.exitCode !== 0) {
    // reg export fails alike for a missing key and for a broken reg.exe; a query of a key that
    // always exists tells them apart by exit code alone.
    const queried = await runSafely(run, reg, ['query', ALWAYS_PRESENT_KEY, '/reg:64']);
    if (queried.exitCode === 0) {
      // reg.exe works. If our key can be queried, it exists and the export failed for another
      // reason (a full disk, an ACL): that is a failure to report, never "no policy".
      const own = await runSafely(run, reg, ['query', keyPath, '/reg:64']);
      if (own.exitCode === 0)
        return failed(`the registry key ${keyPath} exists but reg export failed (exit ${exported.exitCode})`);
      return { state: 'absent' };
    }
    const query =
      queried.exitCode === null
        ? `reg query could not run: ${queried.error ?? 'no exit code'}`
        : `reg query exit ${queried.exitCode}`;
    return failed(
      `reg.exe could not read the registry (reg export exit ${exported.exitCode}, ${query}); ` +
        'registry tools may be disabled by policy (DisableRegistryTools)',
    );
  }
  let bytes: Uint8Array;
  try {
    bytes = await readCapped(file, MAX_EXPORT_BYTES + 1);
  } catch (error) {
    return failed(`reg export exited 0 but its file ${file} could not be read: ${describe(error)}`);
  }
  try {
    return { state: 'read', export: parseRegExport(bytes, keyPath) };
  } catch (error) {
    if (error instanceof RegistryFormatError) {
      return failed(`the registry export of ${keyPath} is not in the expected format: ${error.message}`);
    }
    throw error;
  }
}

/** An injected runner that rejects is treated as one that could not start. */
async function runSafely(run: RegistryReadOptions['run'], file: string, args: readonly string[]): Promise<RunResult> {
  try {
    return await run(file, args);
  } catch (error) {
    return { exitCode: null, error: describe(error) };
  }
}

/** Reads at most `limit` bytes, so a runaway export is refused without loading all of it. */
async function readCapped(file: string, limit: number): Promise<Uint8Array> {
  const handle = await open(file, 'r');
  try {
    const buffer = new Uint8Array(limit);
    let done = 0;
    while (done < limit) {
      const { bytesRead } = await handle.read(buffer, done, limit - done, done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return buffer.subarray(0, done);
  } finally {
    await handle.close();
  }
}

/**
 * reg.exe by its full path on Windows: a bare 'reg' is searched in the current folder first, where
 * anybody might have put a reg.exe. Elsewhere (tests) the bare name.
 */
function regExecutable(): string {
  if (process.platform !== 'win32') return 'reg';
  return win32.join(windowsDirectory(), 'System32', 'reg.exe');
}

/** Runs reg.exe hidden, with a 15 s limit, ignoring its output. Never rejects. */
export function runRegExe(file: string, args: readonly string[]): Promise<RunResult> {
  return new Promise((resolve) => {
    try {
      execFile(file, [...args], { windowsHide: true, timeout: 15_000, encoding: 'buffer' }, (error) => {
        if (error === null) resolve({ exitCode: 0 });
        else if (typeof error.code === 'number') resolve({ exitCode: error.code });
        else if (typeof error.code === 'string') resolve({ exitCode: null, error: error.code });
        else resolve({ exitCode: null, error: error.killed === true ? 'ETIMEDOUT' : (error.signal ?? 'EUNKNOWN') });
      });
    } catch (error) {
      // execFile throws at once for arguments it cannot pass (a NUL character, say).
      resolve({ exitCode: null, error: describe(error) });
    }
  });
}

function failed(reason: string): RegistryReadResult {
  return { state: 'failed', reason };
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return typeof code === 'string' ? code : error.message;
  }
  return String(error);
}
