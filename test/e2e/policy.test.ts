import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { consoleSuite } from '../support/console-page';
import { axeViolations } from '../support/chromium';
import { chromium } from '../support/requirements';

const MANAGED = 'Von Ihrer Organisation verwaltet';

/** What an organisation might roll out, with one invalid value and one key the console does not know. */
const POLICY = {
  'ui.language': 'de',
  'sip.servers': ['wss://pbx1.example.org:8089/ws', 'wss://pbx2.example.org:8089/ws'],
  'sip.domain': 'pbx.example.org',
  'sip.transport': 'wss',
  'retention.days': 14,
  'log.level': 'warn',
  'updates.mode': 'off',
  'calls.wrapUpSeconds': 'lang',
  'ui.theme': 'dark',
};

/** The controls in Settings the policy above fixes, by test id. */
const LOCKED_CONTROLS = [
  'setting-language',
  'setting-sip.servers',
  'setting-sip.domain',
  'setting-sip.transport',
  'setting-log.level',
  // Only policy sets the role: it is always read-only.
  'settings-privacy-role',
];

/** The controls that stay the agent's own. */
const FREE_CONTROLS = [
  'setting-sip.uri',
  'setting-sip.authUser',
  'setting-sip.displayName',
  'setting-audio.microphoneId',
  'setting-audio.speakerId',
  'setting-audio.ringDeviceId',
  'headset-enabled',
  'headset-choose',
];

/** The texts of the elements a control names in `aria-describedby`. */
function descriptions(control: Locator): Promise<string[]> {
  return control.evaluate((element) =>
    (element.getAttribute('aria-describedby') ?? '')
      .split(/\s+/)
      .filter((id) => id !== '')
      .map((id) => document.getElementById(id)?.textContent?.trim() ?? `(no element #${id})`),
  );
}

/**
 * A contract request made by the page itself, on a connection of its own with the page's token:
 * what any script in the renderer could send.
 */
function requestFromPage(page: Page, name: string, input: unknown): Promise<unknown> {
  return page.evaluate(
    ({ name, input }) => {
      const token = sessionStorage.getItem('hotline-desk.token') ?? '';
      const socket = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(token)}`);
      return new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to ${name}`)), 10_000);
        socket.addEventListener('message', (event) => {
          const frame = JSON.parse(String(event.data)) as { type: string; id?: number; result?: unknown };
          if (frame.type === 'hello') socket.send(JSON.stringify({ type: 'request', id: 1, name, input }));
          else if (frame.type === 'response' && frame.id === 1) {
            clearTimeout(timer);
            socket.close();
            resolve(frame.result);
          }
        });
        socket.addEventListener('error', () => reject(new Error('the page could not connect')));
      });
    },
    { name, input },
  );
}

function focusedTestId(page: Page): Promise<string | null> {
  return page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? null);
}

describe.skipIf(chromium.skip)('machine policy in Chromium against the browser host', () => {
  const suite = consoleSuite();

  it('locks what the policy sets, tells of its errors, and leads IT to the details by keyboard', async () => {
    const { page, dataDir, problems } = await suite.open(POLICY);
    const policyFile = join(dataDir, 'policy.json');

    // The notice is at the top of every view, a status that takes no focus.
    const notice = page.getByTestId('policy-problems-notice');
    await notice.waitFor();
    expect(await page.getByTestId('policy-problems-region').getAttribute('role')).toBe('status');
    expect(await notice.innerText()).toBe(
      'Die Richtlinie Ihrer Organisation enthält Fehler. Die IT findet die Details unter Einstellungen → ' +
        'Hinweise für die IT. Hinweise für die IT öffnen',
    );
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Anrufe');
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);
    expect(await axeViolations(page)).toEqual([]);

    // Keyboard only: Tab reaches the notice's link (after the skip link and the navigation)...
    let presses = 0;
    while ((await focusedTestId(page)) !== 'policy-problems-link' && presses < 12) {
      await page.keyboard.press('Tab');
      presses++;
    }
    expect(await focusedTestId(page)).toBe('policy-problems-link');
    // ...and Enter opens Settings, at the notes for IT.
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => window.location.hash === '#/settings');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Einstellungen');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Hinweise für die IT');
    const notes = page.getByRole('list', { name: 'Hinweise für die IT' });
    const lines = await notes.getByRole('listitem').allInnerTexts();
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          `Richtliniendatei ${policyFile}, Schlüssel calls.wrapUpSeconds: ungültiger Wert, wird ignoriert`,
        ),
        expect.stringContaining(
          `Richtliniendatei ${policyFile}, Schlüssel ui.theme: unbekannte Einstellung, wird ignoriert`,
        ),
      ]),
    );

    // Every control the policy fixes is disabled and described by the badge, which is shown.
    for (const testId of LOCKED_CONTROLS) {
      const control = page.getByTestId(testId);
      expect(await control.isDisabled(), testId).toBe(true);
      expect(await descriptions(control), testId).toContain(MANAGED);
    }
    expect(await page.getByTestId('setting-sip.domain').inputValue()).toBe('pbx.example.org');
    expect(await page.getByTestId('setting-sip.servers').inputValue()).toBe(POLICY['sip.servers'].join('\n'));
    expect(await page.getByTestId('setting-sip.transport').locator('option:checked').innerText()).toBe(
      'Nur verschlüsselt (wss://)',
    );
    expect(await page.getByTestId('setting-log.level').inputValue()).toBe('warn');
    // The six controls above, and the update mode in Administration.
    expect(await page.getByText(MANAGED, { exact: true }).count()).toBe(LOCKED_CONTROLS.length + 1);
    // The domain's hint is read with it.
    expect(await descriptions(page.getByTestId('setting-sip.domain'))).toContain(
      'Ist eine Domäne gesetzt, genügt als Adresse die Durchwahl, z. B. 1001.',
    );

    // The others stay the agent's own.
    for (const testId of FREE_CONTROLS) {
      const control = page.getByTestId(testId);
      expect(await control.isDisabled(), testId).toBe(false);
      expect(await descriptions(control), testId).not.toContain(MANAGED);
    }

    // Administration: the policy file, applied; what it fixes; updates off.
    const admin = page.getByTestId('administration-settings');
    expect(await admin.getByRole('heading', { level: 2 }).innerText()).toBe('Verwaltung');
    expect(await page.getByTestId('policy-sources').getByRole('listitem').allInnerTexts()).toEqual([
      `Richtliniendatei ${policyFile}: angewendet`,
    ]);
    const lockedLine = await page.getByTestId('policy-locked').innerText();
    for (const key of ['ui.language', 'sip.servers', 'sip.domain', 'sip.transport', 'retention.days', 'log.level'])
      expect(lockedLine).toContain(key);
    expect(lockedLine).not.toContain('calls.wrapUpSeconds');
    await expect.poll(() => page.getByTestId('update-state').innerText()).toBe('Aus');
    expect(await page.getByTestId('update-mode').innerText()).toBe(`Aus ${MANAGED}`);
    expect(await page.getByTestId('update-meaning').innerText()).toBe(
      'Updates sind ausgeschaltet: Die Konsole fragt keinen Update-Server.',
    );
    expect(await page.getByTestId('update-current').innerText()).toBe('0.0.0-test');
    expect(await page.getByTestId('update-checked').innerText()).toBe('noch nie');
    // Off: nothing to ask, nothing to install.
    expect(await page.getByTestId('update-check').count()).toBe(0);
    expect(await page.getByTestId('update-install').count()).toBe(0);

    expect(await axeViolations(page)).toEqual([]);

    // A field the policy leaves alone is saved as before.
    await page.getByTestId('setting-sip.displayName').fill('Hotline Gesundheitsamt');
    await page.getByTestId('setting-sip.uri').fill('1001');
    await page.getByTestId('account-save').click();
    await page.getByText('Konto gespeichert.').waitFor();
    expect(JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8'))).toEqual({
      'sip.displayName': 'Hotline Gesundheitsamt',
      'sip.uri': '1001',
    });

    // The page cannot change a locked key past the disabled control: main refuses it.
    expect(await requestFromPage(page, 'settings.update', { key: 'ui.language', value: 'en' })).toMatchObject({
      ok: false,
      error: { code: 'locked_by_policy' },
    });
    expect(await requestFromPage(page, 'settings.update', { key: 'log.level', value: 'debug' })).toMatchObject({
      ok: false,
      error: { code: 'locked_by_policy' },
    });
    expect(await requestFromPage(page, 'settings.get', {})).toMatchObject({
      ok: true,
      value: { values: { 'ui.language': 'de', 'log.level': 'warn', 'sip.transport': 'wss' } },
    });
    expect(JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8'))).not.toHaveProperty('ui.language');
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    expect(await page.getByTestId('setting-language').inputValue()).toBe('de');

    // Already in Settings, the link moves on to the notes.
    await page.getByTestId('nav-settings').focus();
    await page.getByTestId('policy-problems-link').click();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Hinweise für die IT');
    expect(problems).toEqual([]);
  });

  it('tells of policy errors in English too', async () => {
    const { page, problems } = await suite.open({ 'ui.language': 'en', 'ui.theme': 'dark' });
    const notice = page.getByTestId('policy-problems-notice');
    await notice.waitFor();
    expect(await notice.innerText()).toBe(
      'Your organisation’s policy contains errors. IT finds the details under Settings → Notes for IT. ' +
        'Open the notes for IT',
    );
    await notice.getByRole('link', { name: 'Open the notes for IT' }).click();
    await page.waitForFunction(() => window.location.hash === '#/settings');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Notes for IT');
    expect(await page.getByRole('list', { name: 'Notes for IT' }).innerText()).toContain(
      'key ui.theme: unknown setting',
    );
    expect(await page.getByTestId('policy-sources').innerText()).toMatch(/^Policy file .*policy\.json: applied$/);
    expect(await descriptions(page.getByTestId('setting-language'))).toContain('Managed by your organisation');
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows no notice without a policy, and says what updates do here', async () => {
    const { page, dataDir, problems } = await suite.open();
    await page.getByTestId('nav-settings').click();
    await page.getByTestId('administration-settings').waitFor();
    expect(await page.getByTestId('policy-problems-notice').count()).toBe(0);
    expect(await page.getByTestId('policy-sources-none').innerText()).toBe(
      'Diese Installation liest keine Richtlinie.',
    );
    expect(await page.getByTestId('policy-locked').innerText()).toBe('Die Richtlinie legt keine Einstellung fest.');
    // The default mode is notify, but without an update server nothing is asked.
    await expect.poll(() => page.getByTestId('update-state').innerText()).toBe('Aus');
    expect(await page.getByTestId('update-mode').innerText()).toBe('Nur melden (wirkt hier wie: Aus)');
    expect(await page.getByTestId('update-meaning').innerText()).toBe(
      'Kein Update-Server festgelegt: Die Konsole sucht nicht nach neuen Versionen.',
    );
    expect(await page.getByText(MANAGED, { exact: true }).count()).toBe(1);

    // The log level is the agent's to change here.
    await page.getByTestId('setting-log.level').selectOption('debug');
    await expect
      .poll(async () => JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as object)
      .toEqual({ 'log.level': 'debug' });
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
