import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { consoleSuite } from '../support/console-page';
import { axeViolations } from '../support/chromium';
import { chromium } from '../support/requirements';

// This machine has no HID devices: the section shows its empty state. Real devices (statuses,
// capabilities, the choice, the live test) are covered by main's tests with the fake HID stack.
describe.skipIf(chromium.skip)('Settings → Headset in Chromium against the browser host', () => {
  const suite = consoleSuite();

  async function open(policy: object | null = null): Promise<{ page: Page; dataDir: string; problems: string[] }> {
    const { page, dataDir, problems } = await suite.open(policy);
    await openSettings(page);
    return { page, dataDir, problems };
  }

  async function openSettings(page: Page): Promise<void> {
    await page.getByTestId('nav-settings').click();
    await page.waitForFunction(() => window.location.hash === '#/settings');
    await page.getByTestId('headset-settings').waitFor();
  }

  it('shows no headset, chooses automatically, and switches off and stays off after a reload', async () => {
    const { page, dataDir, problems } = await open();
    const section = page.getByTestId('headset-settings');
    expect(await section.getByRole('heading', { level: 2 }).innerText()).toBe('Headset');
    await expect.poll(() => page.getByTestId('headset-empty').innerText()).toBe('Kein Headset gefunden.');
    expect(await page.getByTestId('headset-enabled').isChecked()).toBe(true);
    const chooser = page.getByTestId('headset-choose');
    expect(await chooser.inputValue()).toBe('');
    expect(await chooser.locator('option:checked').innerText()).toBe('Automatisch');
    expect(await chooser.isDisabled()).toBe(false);
    // No headset in use: no live test.
    expect(await page.getByTestId('headset-events').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    // By keyboard: focus the switch, Space turns it off.
    await page.getByTestId('headset-enabled').focus();
    await page.keyboard.press('Space');
    await expect.poll(() => page.getByTestId('headset-enabled').isChecked()).toBe(false);
    await expect
      .poll(async () => JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as object)
      .toEqual({ 'headset.enabled': false });
    await expect.poll(() => page.getByTestId('headset-status').innerText()).toBe('Headsets sind ausgeschaltet.');
    expect(await page.getByTestId('headset-empty').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    await page.reload();
    await page.getByTestId('status-connection').and(page.locator('[data-state="open"]')).waitFor();
    await openSettings(page);
    await expect.poll(() => page.getByTestId('headset-status').innerText()).toBe('Headsets sind ausgeschaltet.');
    expect(await page.getByTestId('headset-enabled').isChecked()).toBe(false);

    // And on again.
    await page.getByTestId('headset-enabled').check();
    await expect.poll(() => page.getByTestId('headset-empty').innerText()).toBe('Kein Headset gefunden.');
    expect(JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8'))).toEqual({ 'headset.enabled': true });
    expect(problems).toEqual([]);
  });

  it('speaks English', async () => {
    const { page, problems } = await open();
    await page.getByTestId('setting-language').selectOption('en');
    await page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    await expect.poll(() => page.getByTestId('headset-empty').innerText()).toBe('No headset found.');
    expect(await page.getByTestId('headset-choose').locator('option:checked').innerText()).toBe('Automatic');
    expect(await page.getByLabel('Use the buttons and lights of a USB headset').isChecked()).toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });

  it('shows the settings a policy fixes as managed, and cannot change them', async () => {
    const { page, problems } = await open({ 'headset.enabled': false, 'headset.device': '' });
    const section = page.getByTestId('headset-settings');
    await expect.poll(() => page.getByTestId('headset-status').innerText()).toBe('Headsets sind ausgeschaltet.');
    expect(await page.getByTestId('headset-enabled').isChecked()).toBe(false);
    expect(await page.getByTestId('headset-enabled').isDisabled()).toBe(true);
    expect(await page.getByTestId('headset-choose').isDisabled()).toBe(true);
    expect(await section.getByText('Von Ihrer Organisation verwaltet').count()).toBe(2);
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
