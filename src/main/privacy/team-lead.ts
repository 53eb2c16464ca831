import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';
import { parseCsvRecord } from '../core/csv-record';
import { windowsDirectory } from '../core/windows-paths';

/**
 * Who is a team lead. With the policy list `privacy.teamLeads` set, it alone decides: an entry is
 * an OS account name (matched without regard to case, with or without a Windows domain:
 * `anna`, `KREIS\anna`) or `group:NAME` for members of an OS group: Linux and macOS through
 * `id -Gn`; Windows through the groups of the user's logon token (`whoami /groups`, nested domain
 * groups included), by name (`KREIS\hotline-leads` or `hotline-leads`) or by SID, which is the
 * same in every display language. Without the list, the setting `privacy.role` (lockable by
 * policy) says it.
 */

export interface TeamLeadSource {
  readonly teamLeads: readonly string[];
  readonly role: 'agent' | 'team_lead';
}

export interface Account {
  /** The login name, as the OS gives it. */
  readonly user: string;
  /** The Windows domain, when there is one. */
  readonly domain: string | null;
}

export function currentAccount(): Account {
  let user: string;
  try {
    user = userInfo().username;
  } catch {
    user = process.env.USER ?? process.env.USERNAME ?? '';
  }
  const domain = process.platform === 'win32' ? (process.env.USERDOMAIN ?? null) : null;
  return { user, domain };
}

/**
 * The groups in `whoami /groups /fo csv /nh` output (name, type, SID, attributes per line), each
 * as its full name, its name without the domain, and its SID. Column names and built-in group
 * names are in the display language; SIDs and domain group names are not.
 */
export function parseWhoamiGroups(output: string): string[] {
  const groups: string[] = [];
  for (const line of output.split(/\r?\n/)) {
    if (line.trim() === '') continue;
    const [name = '', , sid = ''] = parseCsvRecord(line.trim(), ',') ?? [];
    if (!/^S-1-[0-9-]+$/.test(sid)) continue;
    groups.push(sid);
    if (name === '') continue;
    groups.push(name);
    const slash = name.lastIndexOf('\\');
    if (slash >= 0) groups.push(name.slice(slash + 1));
  }
  return groups;
}

/** The groups of the signed-in Windows user's logon token. */
function windowsGroups(): Promise<string[]> {
  return new Promise((resolve) => {
    execFile(
      `${windowsDirectory()}\\System32\\whoami.exe`,
      ['/groups', '/fo', 'csv', '/nh'],
      { timeout: 5_000, encoding: 'utf8', windowsHide: true },
      (error, stdout) => resolve(error ? [] : parseWhoamiGroups(stdout)),
    );
  });
}

/**
 * The OS groups of a user (Linux, macOS: `id -Gn`; Windows: the signed-in user's token, so only
 * for the current account); empty when they cannot be read.
 */
export function osGroups(user: string): Promise<string[]> {
  if (user === '') return Promise.resolve([]);
  if (process.platform === 'win32') return windowsGroups();
  return new Promise((resolve) => {
    execFile('id', ['-Gn', '--', user], { timeout: 5_000, encoding: 'utf8' }, (error, stdout) => {
      resolve(error ? [] : stdout.trim().split(/\s+/).filter(Boolean));
    });
  });
}

function accountMatches(entry: string, account: Account): boolean {
  const wanted = entry.toLowerCase();
  const user = account.user.toLowerCase();
  if (wanted === user) return true;
  const slash = wanted.lastIndexOf('\\');
  if (slash < 0) return false;
  const [domain, name] = [wanted.slice(0, slash), wanted.slice(slash + 1)];
  return name === user && account.domain !== null && domain === account.domain.toLowerCase();
}

/**
 * On Windows the account as the logon token has it (`whoami`: `kreis\mueller`): USERDOMAIN is
 * only an environment variable, which whoever starts the console may set.
 */
function windowsAccount(): Promise<Account> {
  const fallback = currentAccount();
  return new Promise((resolve) => {
    execFile(
      `${windowsDirectory()}\\System32\\whoami.exe`,
      [],
      { timeout: 5_000, encoding: 'utf8', windowsHide: true },
      (error, stdout) => {
        const text = stdout.trim();
        const slash = text.lastIndexOf('\\');
        if (error || slash <= 0) resolve({ ...fallback, domain: null });
        else resolve({ user: text.slice(slash + 1), domain: text.slice(0, slash) });
      },
    );
  });
}

export async function isTeamLead(
  source: TeamLeadSource,
  given?: Account,
  groupsOf: (user: string) => Promise<string[]> = osGroups,
): Promise<boolean> {
  if (source.teamLeads.length === 0) return source.role === 'team_lead';
  const account = given ?? (process.platform === 'win32' ? await windowsAccount() : currentAccount());
  if (source.teamLeads.some((entry) => !entry.startsWith('group:') && accountMatches(entry, account))) return true;
  const groups = source.teamLeads.filter((entry) => entry.startsWith('group:')).map((entry) => entry.slice(6));
  if (groups.length === 0) return false;
  const mine = new Set((await groupsOf(account.user)).map((group) => group.toLowerCase()));
  return groups.some((group) => mine.has(group.toLowerCase()));
}
