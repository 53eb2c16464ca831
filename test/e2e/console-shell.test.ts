import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { consoleSuite } from '../support/console-page';
import { axeViolations } from '../support/chromium';
import { chromium } from '../support/requirements';
import { freePort } from '../lab/ports';

const VIEWS = ['calls', 'calllog', 'reports', 'settings'] as const;

describe.skipIf(chromium.skip)('console shell in Chromium against the browser host', () => {
  const suite = consoleSuite();

  const open = (policy: object | null = null) => suite.open(policy);

  async function expectAccessible(page: Page): Promise<void> {
    for (const view of VIEWS) {
      await page.getByTestId(`nav-${view}`).click();
      await page.locator(`main h1`).waitFor();
      await page.waitForFunction((name) => window.location.hash === `#/${name}`, view);
      expect(await axeViolations(page), `axe on ${view}`).toEqual([]);
    }
  }

  it('renders in German by default, tells the truth in the status bar, and passes axe on every view', async () => {
    const { page, problems } = await open();
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    const nav = page.getByRole('navigation', { name: 'Hauptnavigation' });
    expect(await nav.getByRole('link').allInnerTexts()).toEqual([
      'Anrufe',
      'Anrufprotokoll',
      'Berichte',
      'Einstellungen',
    ]);
    await expect.poll(() => page.getByTestId('status-registration').innerText()).toBe('Telefonie: nicht eingerichtet');
    expect(await page.getByTestId('status-connection').innerText()).toBe('Mit dem Dienst verbunden');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Anrufe');
    // The token has left the address bar and history.
    expect(page.url()).not.toContain('token=');
    await expectAccessible(page);
    expect(problems).toEqual([]);
  });

  it('switches to English by keyboard alone; main saves it and the page follows', async () => {
    const { page, dataDir, problems } = await open();
    await page.keyboard.press('Alt+4');
    await page.waitForFunction(() => window.location.hash === '#/settings');
    // The view's heading takes focus, so the keyboard starts inside the view.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('setting-language');
    await page.keyboard.press('ArrowDown');

    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    // Focus stays on the control the agent used; the language change does not move it.
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('setting-language');
    expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Settings');
    await expect.poll(() => page.getByTestId('status-registration').innerText()).toBe('Phone: not configured');
    expect(JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8'))).toEqual({ 'ui.language': 'en' });

    await page.reload();
    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    expect(await page.getByTestId('setting-language').inputValue()).toBe('en');
    await expectAccessible(page);
    expect(problems).toEqual([]);
  });

  it('follows a change made in another tab', async () => {
    const { page, host, problems } = await open();
    const other = await suite.newPage();
    await other.goto(host.url);
    await other.getByTestId('nav-settings').click();
    await other.getByTestId('setting-language').selectOption('en');
    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    expect(await page.getByTestId('nav-calls').innerText()).toBe('Calls');
    await other.close();
    expect(problems).toEqual([]);
  });

  it('moves between views with Alt+digit, by the physical key', async () => {
    const { page } = await open();
    for (const [digit, view] of [
      ['2', 'calllog'],
      ['3', 'reports'],
      ['4', 'settings'],
      ['1', 'calls'],
    ] as const) {
      await page.keyboard.press(`Alt+Digit${digit}`);
      await page.waitForFunction((name) => window.location.hash === `#/${name}`, view);
      expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    }
    expect(await page.getByRole('navigation').getAttribute('aria-describedby')).toBe('nav-shortcuts');
  });

  it('shows a setting the policy fixes as managed, and cannot change it', async () => {
    // A closed loopback port: the line cannot register, and the console must say so.
    const closed = `ws://127.0.0.1:${await freePort()}`;
    const { page, problems } = await open({
      'ui.language': 'de',
      'sip.servers': [closed],
      'sip.uri': 'sip:1001@127.0.0.1',
    });
    await page.getByTestId('nav-settings').click();
    const select = page.getByTestId('setting-language');
    expect(await select.isDisabled()).toBe(true);
    // Language, servers and SIP address are managed, and the privacy role (only policy sets it);
    // the other account fields are not.
    expect(await page.getByText('Von Ihrer Organisation verwaltet').count()).toBe(4);
    expect(await page.getByTestId('setting-sip.servers').isDisabled()).toBe(true);
    expect(await page.getByTestId('setting-sip.uri').isDisabled()).toBe(true);
    expect(await page.getByTestId('setting-sip.displayName').isDisabled()).toBe(false);
    await expect
      .poll(() => page.getByTestId('status-registration').innerText())
      .toMatch(/^Telefonie: Server nicht erreichbar – neuer Versuch in \d+ s \(ws:\/\/127\.0\.0\.1:\d+\)$/);
    // No keystore in the test run: said plainly, in German, with the file that holds the secrets.
    expect(await page.getByTestId('secret-storage').innerText()).toMatch(
      /^Achtung: Dieser Rechner hat keinen Schlüsselspeicher \(kein Schlüsselbund \(Secret Service\) erreichbar\)\. Der Schlüssel des Anrufprotokolls und das SIP-Passwort liegen darum in der Datei \/.*\/hotline-desk\/secrets-[0-9a-f]{16}\.json, .*nicht vom Betriebssystem geschützt/,
    );
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('says so when the service goes away, and what to do', async () => {
    const { page, host } = await open();
    await host.close();
    await page.getByTestId('status-connection').and(page.locator('[data-state="closed"]')).waitFor();
    expect(await page.getByTestId('status-connection').innerText()).toMatch(
      /Keine Verbindung zum Dienst.*npm run serve/,
    );
    // A request made now does not hang for ever: it fails with a clear message.
    await page.getByTestId('nav-settings').click();
    const alert = page.getByRole('alert').first();
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.innerText()).toMatch(/Der Dienst ist gerade nicht erreichbar/);
  });

  it('shows a notification main asks for, announced to screen readers', async () => {
    const { page, host } = await open();
    host.app.ports.notifier.show({ title: 'Test', body: 'Eingehender Anruf', tag: 'call:1' });
    const region = page.locator('.notices[role="status"]');
    await region.getByText('Eingehender Anruf').waitFor();
    expect(await axeViolations(page)).toEqual([]);
    // Out of date (the call was answered): main takes it back.
    host.app.ports.notifier.withdraw('call:1');
    await expect.poll(() => region.getByText('Eingehender Anruf').count()).toBe(0);
  });

  it('lists the audio devices, saves a choice, and shows the microphone level in the test', async () => {
    const { page, dataDir, problems } = await open();
    await page.getByTestId('nav-settings').click();
    const microphone = page.getByTestId('setting-audio.microphoneId');
    await expect.poll(() => microphone.locator('option').count(), { timeout: 15_000 }).toBeGreaterThan(1);
    const choice = await microphone.locator('option').nth(1).getAttribute('value');
    await microphone.selectOption(choice!);
    await expect
      .poll(async () => JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8'))['audio.microphoneId'])
      .toBe(choice);
    await page.getByTestId('test-microphone').click();
    // Chromium's fake microphone plays a beep: the meter moves.
    await expect
      .poll(async () => Number(await page.getByTestId('microphone-level').getAttribute('value')), { timeout: 10_000 })
      .toBeGreaterThan(0);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByTestId('test-microphone').click();
    expect(problems).toEqual([]);
  });

  it('explains, in both languages, an address without the token', async () => {
    const { host } = await open();
    const page = await suite.newPage();
    await page.goto(`${host.origin}/`);
    const alert = page.getByRole('alert');
    expect(await alert.innerText()).toMatch(/Zugangsschlüssel.*access token/s);
    expect(await axeViolations(page)).toEqual([]);
    await page.close();
  });
});
