import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { machinePolicySources } from '../../src/main/host/policy-locations';
import { systemClock } from '../../src/main/ports';
import { nonAdminWriters, parseSddl, SddlFormatError } from '../../src/main/settings/policy/windows-acl';
import { SettingsService } from '../../src/main/settings/settings-service';
import { recordingLogger } from '../support/logs';
import { tempDir } from '../support/temp';

/**
 * Security descriptors as `(Get-Acl -LiteralPath FILE).Sddl` prints them on Windows 10/11 (SDDL
 * is the same whatever the display language). Written from the documented SDDL grammar and the
 * stock %ProgramData% permissions; no Windows machine was at hand to record them.
 */
const USER = 'S-1-5-21-1004336348-1177238915-682003330-1001';
const DOMAIN_USERS = 'S-1-5-21-1004336348-1177238915-682003330-513';
const SDDL = {
  /** Placed by IT and locked down with icacls (no inheritance): only SYSTEM and Administrators write. */
  lockedDown: 'O:BAG:SYD:PAI(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x1200a9;;;BU)',
  /** Placed by an elevated admin in a new %ProgramData% folder: inherited stock entries. */
  adminInherited: 'O:BAG:SYD:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;OICIIOID;GA;;;CO)(A;ID;0x1200a9;;;BU)',
  /** Written by an agent into %ProgramData%\HotlineDesk (Users may create files there by default). */
  agentCreated: `O:${USER}G:${DOMAIN_USERS}D:AI(A;ID;FA;;;SY)(A;ID;FA;;;BA)(A;ID;FA;;;${USER})(A;ID;0x1200a9;;;BU)`,
  /** "Everyone: Modify", and Authenticated Users with write, both by mistake. */
  everyoneModify: 'O:BAG:SYD:(A;;FA;;;SY)(A;;FA;;;BA)(A;;0x1301bf;;;WD)(A;;FW;;;AU)',
  /** Domain Admins, a deny entry and an audit (SACL) part: nothing for others. */
  domainAdmins:
    'O:BAG:SYD:P(A;;FA;;;SY)(A;;FA;;;S-1-5-21-1004336348-1177238915-682003330-512)(D;;FW;;;WD)(A;;FR;;;WD)S:AI(AU;SAFA;FA;;;WD)',
};

describe('who may change a policy file on Windows (SDDL)', () => {
  it('reads owner and entries', () => {
    const { owner, aces } = parseSddl(SDDL.agentCreated);
    expect(owner).toBe(USER);
    expect(aces.map((ace) => ace.trustee)).toEqual(['SY', 'BA', USER, 'BU']);
    expect(aces[3]?.mask).toBe(0x1200a9);
  });

  it('finds nobody for a file only administrators and SYSTEM may write', () => {
    expect(nonAdminWriters(SDDL.lockedDown)).toBeNull();
    // Creator Owner's entry is inherit-only: it does not apply to the file itself.
    expect(nonAdminWriters(SDDL.adminInherited)).toBeNull();
    expect(nonAdminWriters(SDDL.domainAdmins)).toBeNull();
  });

  it('names an agent who wrote the file, and whoever else may write it', () => {
    expect(nonAdminWriters(SDDL.agentCreated)).toBe(`owned by ${USER}; writable by ${USER}`);
    expect(nonAdminWriters(SDDL.everyoneModify)).toBe('writable by Everyone, Authenticated Users');
    // Read and execute alone (0x1200a9, FR, FX) is fine; append data (0x4) is not.
    expect(nonAdminWriters('O:BAG:SYD:(A;;FR;;;BU)(A;;FX;;;BU)')).toBeNull();
    expect(nonAdminWriters('O:BAG:SYD:(A;;0x4;;;BU)')).toBe('writable by Users');
    // The right to change the permissions or the owner is as good as write.
    expect(nonAdminWriters('O:BAG:SYD:(A;;WDRC;;;IU)')).toBe('writable by Interactive users');
  });

  it('takes a NULL DACL and a conditional allow entry as writable; flags are read two letters at a time', () => {
    expect(nonAdminWriters('O:BAG:SYD:NO_ACCESS_CONTROL')).toBe('writable by Everyone');
    expect(nonAdminWriters('O:BAG:SYD:(A;;FA;;;SY)(XA;;FW;;;BU;(WIN://SYSAPPID Contains "x"))')).toBe(
      'writable by Users',
    );
    // "CIOI" is container-inherit + object-inherit, not inherit-only: it applies to the file.
    expect(nonAdminWriters('O:BAG:SYD:(A;CIOI;FW;;;BU)')).toBe('writable by Users');
    expect(nonAdminWriters('O:BAG:SYD:(A;OICIIO;FW;;;BU)')).toBeNull();
  });

  it('refuses what is not SDDL', () => {
    expect(() => parseSddl('Access denied')).toThrow(SddlFormatError);
    expect(() => parseSddl('O:BAD:(A;;FA)')).toThrow(/3 fields/);
    expect(() => parseSddl('O:BAD:(A;;FA;;;SY')).toThrow(/unbalanced/);
  });
});

describe('the Windows policy file: an agent-written file is reported to IT', () => {
  async function open(sddl: () => Promise<string>) {
    const dir = await tempDir();
    const policyFile = join(dir, 'policy.json');
    await writeFile(policyFile, JSON.stringify({ 'privacy.teamLeads': ['KREIS\\mueller'] }));
    const sources = machinePolicySources({
      platform: 'win32',
      policyFile,
      runReg: async () => ({ exitCode: 1 }),
      tempDir: dir,
      readSddl: sddl,
    }).filter((source) => source.kind === 'policy');
    const settings = await SettingsService.open({
      userFile: join(dir, 'settings.json'),
      policy: sources,
      clock: systemClock,
      log: recordingLogger(),
    });
    return settings.snapshot();
  }

  it('warns, naming the owner, and applies it (its values are what IT will see and fix)', async () => {
    const snapshot = await open(async () => SDDL.agentCreated);
    expect(snapshot.values['privacy.teamLeads']).toEqual(['KREIS\\mueller']);
    expect(snapshot.problems).toEqual([
      expect.objectContaining({
        source: 'policy',
        key: null,
        code: 'insecure_permissions',
        message: expect.stringMatching(
          new RegExp(
            `^owned by ${USER}; writable by ${USER}: someone other than an administrator may change this policy`,
          ),
        ),
      }),
    ]);
  });

  it('says nothing for a locked-down file, nor when the ACL cannot be read (PowerShell blocked)', async () => {
    expect((await open(async () => SDDL.lockedDown)).problems).toEqual([]);
    expect(
      (
        await open(async () => {
          throw new Error('Get-Acl failed (ENOENT)');
        })
      ).problems,
    ).toEqual([]);
  });

  it('reads the ACL once while the file is unchanged, and again when it changes', async () => {
    const dir = await tempDir();
    const policyFile = join(dir, 'policy.json');
    await writeFile(policyFile, JSON.stringify({ 'retention.days': 7 }));
    let reads = 0;
    const [source] = machinePolicySources({
      platform: 'win32',
      policyFile,
      runReg: async () => ({ exitCode: 1 }),
      tempDir: dir,
      readSddl: async () => {
        reads += 1;
        return SDDL.agentCreated;
      },
    }).filter((each) => each.kind === 'policy');
    const settings = await SettingsService.open({
      userFile: join(dir, 'settings.json'),
      policy: [source!],
      clock: systemClock,
      log: recordingLogger(),
    });
    await settings.reload();
    await settings.reload();
    expect(reads).toBe(1);
    expect(settings.snapshot().problems.map((problem) => problem.code)).toEqual(['insecure_permissions']);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await writeFile(policyFile, JSON.stringify({ 'retention.days': 8 }));
    await settings.reload();
    expect(reads).toBe(2);
    expect(settings.get('retention.days')).toBe(8);
  });
});
