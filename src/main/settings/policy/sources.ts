import { promises as fs, unwatchFile, watchFile, type Stats } from 'node:fs';
import type { SettingsProblem } from '../../../shared/contract/settings';
import type { Unsubscribe } from '../../core/disposables';
import type { PolicyReading, PolicySource, PolicySourceKind } from './policy-source';

export type { PolicyReading, PolicySource, PolicySourceKind };
import { validateLayer, validateObject, type ValidatedLayer } from '../validate';
import { plistToPolicy } from './profile-policy';
import { parsePlist, PlistFormatError } from './plist';
import { readRegistryPolicy, type RegistryReadOptions } from './registry';
import { DEFAULT_POLICY_KEY, parseRegExport, RegistryFormatError, type RegistryExport } from './registry-export';
import { registryToPolicy } from './registry-policy';
import { nonAdminWriters, readSddlWithPowerShell, SddlFormatError, type ReadSddl } from './windows-acl';

/** Policy files and exports larger than this are refused: a policy is kilobytes, never megabytes. */
export const MAX_POLICY_BYTES = 1024 * 1024;

const EMPTY: ValidatedLayer = { values: {}, problems: [], raw: {} };

function failed(
  kind: PolicySourceKind,
  location: string,
  code: SettingsProblem['code'],
  message: string,
): PolicyReading {
  return {
    state: 'failed',
    layer: { ...EMPTY, problems: [{ source: kind, file: location, key: null, code, message }] },
  };
}

/** Watches a file by polling its stat (it may appear, change or vanish; events miss network shares). */
function watchPath(path: string, changed: () => void, pollMs: number): Unsubscribe {
  const listener = (current: Stats, previous: Stats): void => {
    if (current.mtimeMs !== previous.mtimeMs || current.size !== previous.size || current.ino !== previous.ino)
      changed();
  };
  watchFile(path, { interval: pollMs, persistent: false }, listener);
  return () => unwatchFile(path, listener);
}

/**
 * Reads a policy file's bytes: null when it does not exist, else the bytes, or a reading that
 * says why not (too large, unreadable). Ownership is checked for machine policy files: a file
 * the agent can write is no policy.
 */
/**
 * How a machine policy file's permissions are checked: POSIX owner and mode, or on Windows the
 * file's ACL (SDDL from Get-Acl). None for a file named on the command line.
 */
export interface OwnershipCheck {
  readonly platform: NodeJS.Platform;
  /** Windows: reads the file's security descriptor (default: PowerShell's Get-Acl). */
  readonly readSddl?: ReadSddl;
}

/**
 * The last ACL verdict per file, kept while the file's change time stays the same (NTFS moves
 * it when the security descriptor changes): each policy re-read (every registry refresh) would
 * otherwise start PowerShell again.
 */
const aclVerdicts = new Map<string, { readonly changed: number; readonly reason: string | null }>();

async function windowsAclReason(path: string, stats: Stats, readSddl: ReadSddl): Promise<string | null> {
  const known = aclVerdicts.get(path);
  if (known !== undefined && known.changed === stats.ctimeMs) return known.reason;
  let sddl: string;
  try {
    sddl = await readSddl(path);
  } catch {
    // PowerShell blocked (AppLocker) or gone: nothing to say on every start (the guide says how
    // to check by hand); asked again next time.
    return null;
  }
  let reason: string | null;
  try {
    reason = nonAdminWriters(sddl);
  } catch (error) {
    if (!(error instanceof SddlFormatError)) throw error;
    return null;
  }
  aclVerdicts.set(path, { changed: stats.ctimeMs, reason });
  return reason;
}

async function permissionWarning(
  kind: PolicySourceKind,
  path: string,
  stats: Stats,
  check: OwnershipCheck,
): Promise<SettingsProblem | null> {
  const problem = (message: string): SettingsProblem => ({
    source: kind,
    file: path,
    key: null,
    code: 'insecure_permissions',
    message,
  });
  if (check.platform === 'win32') {
    const reason = await windowsAclReason(path, stats, check.readSddl ?? readSddlWithPowerShell);
    return reason === null
      ? null
      : problem(
          `${reason}: someone other than an administrator may change this policy (expected only Administrators and SYSTEM to write it); applied anyway`,
        );
  }
  const writableByOthers = (stats.mode & 0o022) !== 0;
  if (stats.uid === 0 && !writableByOthers) return null;
  const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
  return problem(
    `owned by uid ${stats.uid} with mode ${mode}: someone other than root may change this policy (expected root-owned, not writable by group or others); applied anyway`,
  );
}

async function readPolicyBytes(
  kind: PolicySourceKind,
  path: string,
  ownership: OwnershipCheck | null,
): Promise<{ bytes: Buffer; warnings: SettingsProblem[] } | PolicyReading | null> {
  let stats: Stats;
  try {
    stats = await fs.stat(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    return failed(kind, path, 'unreadable', `cannot be read (${code})`);
  }
  if (!stats.isFile()) return failed(kind, path, 'unreadable', 'is not a regular file');
  if (stats.size > MAX_POLICY_BYTES)
    return failed(
      kind,
      path,
      'too_large',
      `is ${stats.size} bytes; a policy may have at most ${MAX_POLICY_BYTES} bytes`,
    );
  const warnings: SettingsProblem[] = [];
  const warning = ownership === null ? null : await permissionWarning(kind, path, stats, ownership);
  if (warning !== null) warnings.push(warning);
  try {
    const handle = await fs.open(path, 'r');
    try {
      // Read at most one byte past the limit: a file that grew since stat is caught too.
      const buffer = Buffer.alloc(MAX_POLICY_BYTES + 1);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      if (bytesRead > MAX_POLICY_BYTES)
        return failed(kind, path, 'too_large', `a policy may have at most ${MAX_POLICY_BYTES} bytes`);
      return { bytes: buffer.subarray(0, bytesRead), warnings };
    } finally {
      await handle.close();
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
    if (code === 'ENOENT') return null;
    return failed(kind, path, 'unreadable', `cannot be read (${code})`);
  }
}

/**
 * A policy file's text: UTF-8 (with or without BOM), or UTF-16 with its BOM, which Windows
 * PowerShell 5's `>` and Notepad's "Unicode" write.
 */
export function decodePolicyText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  return new TextDecoder('utf-8').decode(bytes);
}

function isReading(value: unknown): value is PolicyReading {
  return typeof value === 'object' && value !== null && 'state' in value;
}

function withWarnings(layer: ValidatedLayer, warnings: readonly SettingsProblem[]): ValidatedLayer {
  return warnings.length === 0 ? layer : { ...layer, problems: [...warnings, ...layer.problems] };
}

/** The machine-wide JSON policy file (or a file named with --policy). */
export function jsonPolicyFile(path: string, options: { readonly ownership?: OwnershipCheck } = {}): PolicySource {
  return {
    kind: 'policy',
    location: path,
    async read() {
      const result = await readPolicyBytes('policy', path, options.ownership ?? null);
      if (result === null) return { state: 'absent', layer: EMPTY };
      if (isReading(result)) return result;
      const text = decodePolicyText(result.bytes);
      return { state: 'read', layer: withWarnings(validateLayer(text, 'policy', path), result.warnings) };
    },
    watch: (changed, pollMs) => watchPath(path, changed, pollMs),
  };
}

/**
 * macOS managed preferences: the plists a configuration profile (MDM) installs, computer-wide
 * and for this user. The user's own managed file wins over the computer's, as in macOS itself.
 */
export function managedPreferences(
  paths: readonly string[],
  ownership: OwnershipCheck | null = { platform: 'darwin' },
): PolicySource {
  const location = paths.join(', ');
  return {
    kind: 'profile',
    location,
    async read() {
      let state: PolicyReading['state'] = 'absent';
      let merged: ValidatedLayer = EMPTY;
      for (const path of paths) {
        const result = await readPolicyBytes('profile', path, ownership);
        if (result === null) continue;
        if (isReading(result)) {
          state = 'failed';
          merged = { ...merged, problems: [...merged.problems, ...result.layer.problems] };
          continue;
        }
        let layer: ValidatedLayer;
        try {
          const decoded = plistToPolicy(parsePlist(result.bytes), path);
          layer = validateObject(decoded.raw, 'profile', path, decoded);
        } catch (error) {
          if (!(error instanceof PlistFormatError)) throw error;
          state = state === 'absent' ? 'failed' : state;
          merged = {
            ...merged,
            problems: [
              ...merged.problems,
              ...result.warnings,
              { source: 'profile', file: path, key: null, code: 'invalid_plist', message: error.message },
            ],
          };
          continue;
        }
        state = 'read';
        merged = {
          values: { ...merged.values, ...layer.values },
          raw: { ...merged.raw, ...layer.raw },
          problems: [...merged.problems, ...result.warnings, ...layer.problems],
          invalidKeys: [...(merged.invalidKeys ?? []), ...(layer.invalidKeys ?? [])],
        };
      }
      return { state, layer: merged };
    },
    watch(changed, pollMs) {
      const stops = paths.map((path) => watchPath(path, changed, pollMs));
      return () => stops.forEach((stop) => stop());
    },
  };
}

/** Group Policy: HKLM\SOFTWARE\Policies\HotlineDesk, read with `reg export` (no native module). */
export function registryPolicy(options: RegistryReadOptions & { readonly refreshMs?: number }): PolicySource {
  const location = options.keyPath ?? DEFAULT_POLICY_KEY;
  return {
    kind: 'registry',
    location,
    async read() {
      const result = await readRegistryPolicy(options);
      if (result.state === 'absent') return { state: 'absent', layer: EMPTY };
      if (result.state === 'failed') return failed('registry', location, 'unreadable', result.reason);
      const decoded = registryToPolicy(result.export, location);
      return { state: 'read', layer: validateObject(decoded.raw, 'registry', location, decoded) };
    },
    watch(changed, pollMs) {
      // Group Policy refreshes every 90 minutes or so; reg.exe is cheap, but not free: not every poll.
      const timer = setInterval(changed, options.refreshMs ?? Math.max(pollMs, 10 * 60_000));
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

/** A registry export file (what `reg export` writes), for `policy check`. */
function registryExportFile(path: string, keyPath: string): PolicySource {
  return {
    kind: 'registry',
    location: path,
    async read() {
      const result = await readPolicyBytes('registry', path, null);
      if (result === null) return { state: 'absent', layer: EMPTY };
      if (isReading(result)) return result;
      let exported: RegistryExport;
      try {
        exported = parseRegExport(result.bytes, keyPath);
      } catch (error) {
        if (!(error instanceof RegistryFormatError)) throw error;
        return failed('registry', path, 'invalid_registry_export', error.message);
      }
      const decoded = registryToPolicy(exported, path);
      return { state: 'read', layer: validateObject(decoded.raw, 'registry', path, decoded) };
    },
    watch: (changed, pollMs) => watchPath(path, changed, pollMs),
  };
}

/**
 * The policy a file holds, whatever its format: a registry export (UTF-16 with BOM), a managed
 * preferences plist (binary or XML) or JSON. For `policy check`, so that IT can check what they
 * are about to roll out.
 */
export async function policyFileToCheck(path: string): Promise<PolicySource> {
  let head = Buffer.alloc(0);
  try {
    const handle = await fs.open(path, 'r');
    try {
      const buffer = Buffer.alloc(16);
      const { bytesRead } = await handle.read(buffer, 0, 16, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    // Missing or unreadable: the JSON source says so in its own words.
  }
  const text = decodePolicyText(head);
  // A registry export is UTF-16 too: its header says what it is, a JSON file starts with "{".
  if (head[0] === 0xff && head[1] === 0xfe && text.trimStart().startsWith('Wind'))
    return registryExportFile(path, DEFAULT_POLICY_KEY);
  if (text.startsWith('bplist') || /^\ufeff?\s*</.test(text)) return managedPreferences([path], null);
  return jsonPolicyFile(path);
}
