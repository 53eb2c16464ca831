import { execFile } from 'node:child_process';
import { win32 } from 'node:path';
import { windowsDirectory } from '../../core/windows-paths';

/**
 * Who, besides administrators, may change a file on Windows, read from its security descriptor
 * in SDDL: the one form of an ACL that does not depend on the display language (icacls prints
 * localised names and rights). On a stock Windows every user may create files in a new folder
 * under %ProgramData%: a policy file an agent wrote there could make them a team lead.
 */

/** Trustees that administer the machine: their write access is expected. */
const ADMIN_TRUSTEES = new Set([
  'SY', // LocalSystem
  'BA', // BUILTIN\Administrators
  'S-1-5-18',
  'S-1-5-32-544',
  // NT SERVICE\TrustedInstaller
  'S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464',
  'DA', // Domain Admins
  'EA', // Enterprise Admins
]);

/** Domain Admins (…-512) and Enterprise Admins (…-519) written as SIDs. */
const ADMIN_DOMAIN_RID = /^S-1-5-21-\d+-\d+-\d+-(512|519)$/;

/** Short names SDDL uses for well-known principals, for the message. */
const NAMES: Record<string, string> = {
  WD: 'Everyone',
  AU: 'Authenticated Users',
  BU: 'Users',
  IU: 'Interactive users',
  DU: 'Domain Users',
  CO: 'Creator Owner',
  OW: 'Owner Rights',
  'S-1-1-0': 'Everyone',
  'S-1-5-11': 'Authenticated Users',
  'S-1-5-32-545': 'Users',
  'S-1-5-4': 'Interactive users',
};

/** Rights that let a trustee change the file or who may: write data, append, delete, DACL, owner. */
const WRITE_MASK = 0x2 | 0x4 | 0x10 | 0x100 | 0x10000 | 0x40000 | 0x80000 | 0x10000000 | 0x40000000;
const RIGHT_LETTERS: Record<string, number> = {
  GA: 0x10000000,
  GW: 0x40000000,
  FA: 0x1f01ff,
  FW: 0x120116,
  WD: 0x40000,
  WO: 0x80000,
  SD: 0x10000,
  WP: 0x20,
  CC: 0x1,
  DC: 0x2,
  LC: 0x4,
  SW: 0x8,
  RP: 0x10,
  DT: 0x40,
  CR: 0x100,
  KA: 0xf003f,
  KW: 0x20006,
};

export class SddlFormatError extends Error {}

interface Ace {
  readonly type: string;
  /** Two-letter flags (OI, CI, IO, ID, …). */
  readonly flags: readonly string[];
  readonly mask: number;
  readonly trustee: string;
}

function rightsMask(rights: string): number {
  if (/^0x[0-9a-f]+$/i.test(rights)) return Number.parseInt(rights.slice(2), 16);
  let mask = 0;
  for (let index = 0; index < rights.length; index += 2) {
    const letters = rights.slice(index, index + 2);
    const bits = RIGHT_LETTERS[letters];
    // Unknown two-letter rights are read-ish ones (FR, FX, GR, GX, RC, …): no write bits.
    if (bits !== undefined) mask |= bits;
  }
  return mask;
}

/** The owner and the DACL's entries of an SDDL string such as `O:BAG:SYD:PAI(A;;FA;;;SY)…`. */
export function parseSddl(sddl: string): { readonly owner: string | null; readonly aces: Ace[] } {
  const text = sddl.trim();
  if (!/^(O:|G:|D:|S:)/.test(text)) throw new SddlFormatError('not a security descriptor in SDDL');
  const owner = /O:([A-Z]{2}|S-1-[0-9-]+)/.exec(text)?.[1] ?? null;
  const daclStart = text.indexOf('D:');
  if (daclStart < 0) return { owner, aces: [] };
  // A NULL DACL ("no access control") lets everyone do everything.
  if (text.startsWith('NO_ACCESS_CONTROL', daclStart + 2))
    return { owner, aces: [{ type: 'A', flags: [], mask: 0x10000000, trustee: 'WD' }] };
  const saclStart = text.indexOf('S:', daclStart);
  const dacl = text.slice(daclStart + 2, saclStart < 0 ? undefined : saclStart);
  const aces: Ace[] = [];
  // A conditional entry's condition has parentheses of its own: entries are read up to the
  // parenthesis that closes them at depth 0.
  for (const entry of topLevelEntries(dacl)) {
    const fields = entry.split(';');
    if (fields.length < 6)
      throw new SddlFormatError(`an access control entry with ${fields.length} fields: (${entry})`);
    const [type = '', flags = '', rights = '', , , trustee = ''] = fields;
    aces.push({ type, flags: flags.match(/../g) ?? [], mask: rightsMask(rights), trustee });
  }
  return { owner, aces };
}

function topLevelEntries(dacl: string): string[] {
  const entries: string[] = [];
  let depth = 0;
  let start = -1;
  for (let index = 0; index < dacl.length; index += 1) {
    const char = dacl[index];
    if (char === '(') {
      if (depth === 0) start = index + 1;
      depth += 1;
    } else if (char === ')') {
      depth -= 1;
      if (depth < 0) throw new SddlFormatError('unbalanced parentheses in the DACL');
      if (depth === 0) entries.push(dacl.slice(start, index));
    }
  }
  if (depth !== 0) throw new SddlFormatError('unbalanced parentheses in the DACL');
  return entries;
}

function isAdmin(trustee: string): boolean {
  return ADMIN_TRUSTEES.has(trustee) || ADMIN_DOMAIN_RID.test(trustee);
}

function nameOf(trustee: string): string {
  return NAMES[trustee] ?? trustee;
}

/**
 * Why someone other than an administrator can change this file, or null when nobody can:
 * an owner who is not an administrator (an owner may always rewrite the permissions), or an
 * allow entry with write, delete or permission rights for anyone else. Inherit-only entries
 * do not apply to the file itself; deny entries are not trusted to cancel an allow.
 */
export function nonAdminWriters(sddl: string): string | null {
  const { owner, aces } = parseSddl(sddl);
  const reasons: string[] = [];
  if (owner !== null && !isAdmin(owner)) reasons.push(`owned by ${nameOf(owner)}`);
  const writers = new Set<string>();
  for (const ace of aces) {
    // Allow entries, plain or with a condition (XA: it may well apply); never deny entries.
    if ((ace.type !== 'A' && ace.type !== 'XA') || ace.flags.includes('IO')) continue;
    if ((ace.mask & WRITE_MASK) === 0 || isAdmin(ace.trustee)) continue;
    // Owner Rights and Creator Owner apply to the owner, already judged above.
    if (ace.trustee === 'OW' || ace.trustee === 'CO') {
      if (owner !== null && isAdmin(owner)) continue;
    }
    writers.add(nameOf(ace.trustee));
  }
  if (writers.size > 0) reasons.push(`writable by ${[...writers].join(', ')}`);
  return reasons.length === 0 ? null : reasons.join('; ');
}

export type ReadSddl = (path: string) => Promise<string>;

/**
 * The file's security descriptor from PowerShell's Get-Acl (its SDDL, whatever the display
 * language). Rejects when PowerShell cannot be run or the file cannot be read.
 */
export const readSddlWithPowerShell: ReadSddl = (path) =>
  new Promise((resolve, reject) => {
    const powershell = win32.join(windowsDirectory(), 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe');
    // The path goes in through the environment, never into the command's text: no quoting to get wrong.
    execFile(
      powershell,
      ['-NoProfile', '-NonInteractive', '-Command', '(Get-Acl -LiteralPath $env:HOTLINE_DESK_POLICY_PATH).Sddl'],
      {
        windowsHide: true,
        timeout: 20_000,
        maxBuffer: 64 * 1024,
        env: { ...process.env, HOTLINE_DESK_POLICY_PATH: path },
      },
      (error, stdout) => {
        if (error) reject(new Error(`Get-Acl failed (${String(error.code ?? error.message)})`));
        else resolve(stdout.trim());
      },
    );
  });
