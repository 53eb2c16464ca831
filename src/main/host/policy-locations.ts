import { tmpdir, userInfo } from 'node:os';
import { join, win32 } from 'node:path';
import { programDataDirectory } from '../core/windows-paths';
import { jsonPolicyFile, managedPreferences, registryPolicy, type PolicySource } from '../settings/policy/sources';
import { runRegExe, type RegistryReadOptions } from '../settings/policy/registry';
import { PREFERENCES_DOMAIN } from '../settings/policy/profile-policy';
import type { ReadSddl } from '../settings/policy/windows-acl';

/** Where IT puts the machine policy file. */
export function machinePolicyFile(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string {
  if (platform === 'win32') return win32.join(programDataDirectory(env), 'HotlineDesk', 'policy.json');
  if (platform === 'darwin') return '/Library/Application Support/HotlineDesk/policy.json';
  return '/etc/hotline-desk/policy.json';
}

/** macOS managed preferences: the computer's, then this user's (which wins). */
export function managedPreferencesFiles(user: string, root = '/Library/Managed Preferences'): string[] {
  return [join(root, `${PREFERENCES_DOMAIN}.plist`), join(root, user, `${PREFERENCES_DOMAIN}.plist`)];
}

export interface MachinePolicyOptions {
  readonly platform?: NodeJS.Platform;
  readonly env?: NodeJS.ProcessEnv;
  /** Test seams: where the files are, and how reg.exe runs. */
  readonly policyFile?: string;
  readonly managedPreferencesRoot?: string;
  readonly user?: string;
  readonly runReg?: RegistryReadOptions['run'];
  readonly tempDir?: string;
  /** Windows: how the policy file's ACL is read (default: PowerShell's Get-Acl). */
  readonly readSddl?: ReadSddl;
}

/**
 * Every machine policy source of this platform, highest precedence first: Group Policy (the
 * registry) or a configuration profile (managed preferences), then the policy file.
 */
export function machinePolicySources(options: MachinePolicyOptions = {}): PolicySource[] {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const file = jsonPolicyFile(options.policyFile ?? machinePolicyFile(env, platform), {
    ownership: { platform, ...(options.readSddl ? { readSddl: options.readSddl } : {}) },
  });
  if (platform === 'win32')
    return [registryPolicy({ run: options.runReg ?? runRegExe, tempDir: options.tempDir ?? tmpdir() }), file];
  if (platform === 'darwin')
    return [
      managedPreferences(managedPreferencesFiles(options.user ?? userInfo().username, options.managedPreferencesRoot)),
      file,
    ];
  return [file];
}

/** A policy file named on the command line (--policy), in place of the machine's sources. */
export function policyFromFile(path: string): PolicySource[] {
  return [jsonPolicyFile(path)];
}
