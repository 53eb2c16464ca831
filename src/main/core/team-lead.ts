import { execFile } from 'node:child_process';
import { userInfo } from 'node:os';

/**
 * Who is a team lead. With the policy list `privacy.teamLeads` set, it alone decides: an entry is
 * an OS account name (matched without regard to case, with or without a Windows domain:
 * `anna`, `KREIS\anna`) or `group:NAME` for members of an OS group (Linux and macOS, through
 * `id -Gn`; Windows groups are not looked up — name the accounts there). Without the list, the
 * setting `privacy.role` (lockable by policy) says it.
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

/** The OS groups of a user (Linux, macOS: `id -Gn`); empty when they cannot be read. */
export function osGroups(user: string): Promise<string[]> {
  if (process.platform === 'win32' || user === '') return Promise.resolve([]);
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

export async function isTeamLead(
  source: TeamLeadSource,
  account: Account = currentAccount(),
  groupsOf: (user: string) => Promise<string[]> = osGroups,
): Promise<boolean> {
  if (source.teamLeads.length === 0) return source.role === 'team_lead';
  if (source.teamLeads.some((entry) => !entry.startsWith('group:') && accountMatches(entry, account))) return true;
  const groups = source.teamLeads.filter((entry) => entry.startsWith('group:')).map((entry) => entry.slice(6));
  if (groups.length === 0) return false;
  const mine = new Set((await groupsOf(account.user)).map((group) => group.toLowerCase()));
  return groups.some((group) => mine.has(group.toLowerCase()));
}
