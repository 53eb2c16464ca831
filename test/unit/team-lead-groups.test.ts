import { describe, expect, it } from 'vitest';
import { isTeamLead, parseWhoamiGroups } from '../../src/main/privacy/team-lead';

/**
 * `whoami /groups /fo csv /nh` on a German Windows 11 in a domain, as it prints it (the column
 * layout is fixed: name, type, SID, attributes; built-in names are localised, SIDs are not).
 * Hand-made from the documented format; no Windows machine was at hand.
 */
const WHOAMI = [
  '"Jeder","Bekannte Gruppe","S-1-1-0","Verbindliche Gruppe, Standardmäßig aktiviert, Aktivierte Gruppe"',
  '"VORDEFINIERT\\Benutzer","Alias","S-1-5-32-545","Verbindliche Gruppe, Standardmäßig aktiviert, Aktivierte Gruppe"',
  '"NT-AUTORITÄT\\INTERAKTIV","Bekannte Gruppe","S-1-5-4","Verbindliche Gruppe, Standardmäßig aktiviert, Aktivierte Gruppe"',
  '"KREIS\\hotline-leads","Gruppe","S-1-5-21-1004336348-1177238915-682003330-1127","Verbindliche Gruppe, Standardmäßig aktiviert, Aktivierte Gruppe"',
  '"KREIS\\Team ""Nord""","Gruppe","S-1-5-21-1004336348-1177238915-682003330-1130","Verbindliche Gruppe, Standardmäßig aktiviert, Aktivierte Gruppe"',
  '"Verbindliche Beschriftung\\Mittlere Verbindlichkeitsstufe","Bezeichnung","S-1-16-8192",""',
  '',
].join('\r\n');

describe('team leads by Windows group (the logon token, whoami /groups)', () => {
  it('reads each group by full name, short name and SID', () => {
    const groups = parseWhoamiGroups(WHOAMI);
    expect(groups).toEqual(
      expect.arrayContaining([
        'S-1-1-0',
        'VORDEFINIERT\\Benutzer',
        'Benutzer',
        'KREIS\\hotline-leads',
        'hotline-leads',
        'S-1-5-21-1004336348-1177238915-682003330-1127',
        'KREIS\\Team "Nord"',
      ]),
    );
    // A line without a SID (a localised header, an error text) is not a group.
    expect(parseWhoamiGroups('"Gruppenname","Typ","SID","Attribute"\r\nFEHLER: Zugriff verweigert.\r\n')).toEqual([]);
  });

  it('makes a member of a listed group a team lead, by name or by SID, ignoring case', async () => {
    const account = { user: 'mueller', domain: 'KREIS' };
    const groupsOf = async () => parseWhoamiGroups(WHOAMI);
    for (const entry of [
      'group:KREIS\\hotline-leads',
      'group:hotline-leads',
      'group:kreis\\HOTLINE-LEADS',
      'group:S-1-5-21-1004336348-1177238915-682003330-1127',
    ])
      expect(await isTeamLead({ teamLeads: [entry], role: 'agent' }, account, groupsOf), entry).toBe(true);
    for (const entry of ['group:KREIS\\other-leads', 'group:S-1-5-21-1004336348-1177238915-682003330-9999'])
      expect(await isTeamLead({ teamLeads: [entry], role: 'team_lead' }, account, groupsOf), entry).toBe(false);
  });
});
