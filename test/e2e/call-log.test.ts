import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserHost } from '../../src/main/host/browser/browser-host';
import { teamLeadPolicy } from '../support/call-log-data';
import { openSeededConsole } from '../support/console-page';
import { axeViolations, launchChromium, type Browser } from '../support/chromium';
import { chromium } from '../support/requirements';

/**
 * The call log of a busy hotline in Chromium: a log seeded with 3,000 synthetic calls and intakes
 * (`cli db seed`), searched by a note word, an intake read in the detail pane, and a team lead's
 * data-subject request: find by the caller's number, export for the caller, erase.
 */
describe.skipIf(chromium.skip)('the call log and data-subject requests in Chromium', () => {
  let browser: Browser;
  const hosts: BrowserHost[] = [];
  let page: Page;
  let problems: string[];
  let dataDir: string;

  beforeAll(async () => {
    chromium.assert();
    browser = await launchChromium();
    // No policy yet: the organisation makes this user a team lead later in the test.
    ({ page, problems, dataDir } = await openSeededConsole(browser, hosts, 3_000, 11));
  });

  afterAll(async () => {
    await browser?.close();
    for (const host of hosts) await host.close();
  });

  it('finds calls by a word of an intake note and shows the intake in the detail pane', async () => {
    await page.keyboard.press('Alt+2');
    const rows = page.getByTestId('calllog-row');
    await rows.first().waitFor({ timeout: 15_000 });
    // Virtualized: a few dozen rows in the page, not thousands.
    expect(await rows.count()).toBeLessThan(200);
    // Thousands of calls: loaded page by page as the list scrolls.
    expect(await page.locator('.calllog-summary').innerText()).toMatch(/^Geladene Anrufe: \d+ – weitere/);
    await page.getByTestId('calllog-search').fill('Kita');
    // The matches are a few dozen, all loaded.
    await expect
      .poll(() => page.locator('.calllog-summary').innerText(), { timeout: 10_000 })
      .toMatch(/^Angezeigte Anrufe: \d+$/);
    await rows.first().locator('.calllog-select').click();
    const intake = page.getByTestId('calllog-intake');
    await expect.poll(() => intake.innerText(), { timeout: 10_000 }).toMatch(/Kind in der Kita positiv getestet/);
    expect(await intake.getAttribute('data-state')).toBe('submitted');
    expect(await page.getByTestId('calllog-disposition-value').getAttribute('data-value')).toBe('data_call');
    expect(await axeViolations(page)).toEqual([]);
  });

  it('a team lead finds one caller’s records by number, exports them for the caller and erases them', async () => {
    // The caller of the call in the detail pane, by the number the intake recorded.
    const number = await page.getByTestId('calllog-intake').locator('dd[data-field="phone"]').innerText();
    expect(number).toMatch(/^\+49\d+$/);
    const phone = number.replace(/^\+49/, '0');

    // An agent's console has no such section.
    expect(await page.getByTestId('subject-requests').count()).toBe(0);
    // Only the organisation's policy makes a team lead; the browser host reads it again within seconds.
    await page.keyboard.press('Alt+4');
    await writeFile(join(dataDir, 'policy.json'), JSON.stringify(teamLeadPolicy()));
    await expect
      .poll(() => page.getByTestId('settings-privacy-role').inputValue(), { timeout: 20_000 })
      .toBe('team_lead');
    await page.keyboard.press('Alt+2');
    const section = page.getByTestId('subject-requests');
    await section.waitFor({ timeout: 10_000 });

    await page.getByTestId('subject-number').fill(phone);
    await page.getByTestId('subject-find').click();
    const results = page.getByTestId('subject-result');
    await results.first().waitFor({ timeout: 10_000 });
    const found = await results.count();
    expect(found).toBeGreaterThan(0);
    expect(await section.innerText()).toMatch(/Kind in der Kita positiv getestet/);
    expect(await axeViolations(page)).toEqual([]);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('subject-export').click()]);
    expect(download.suggestedFilename()).toMatch(/^hotline-desk-auskunft-.*\.json$/);
    const exported = JSON.parse(await readFile((await download.path())!, 'utf8')) as {
      records: { intake: { answers: { field: string; value: unknown }[] } | null }[];
    };
    expect(exported.records).toHaveLength(found);
    expect(JSON.stringify(exported)).toContain(number);

    await page.getByTestId('subject-erase').click();
    const confirm = page.getByTestId('subject-erase-confirm');
    await confirm.waitFor();
    expect(await axeViolations(page)).toEqual([]);
    await confirm.click();
    await expect
      .poll(() => page.getByTestId('subject-status').innerText(), { timeout: 10_000 })
      .toMatch(found === 1 ? /1 Datensatz gelöscht/ : new RegExp(`${found} Datensätze gelöscht`));
    await expect.poll(() => results.first().getAttribute('data-erased'), { timeout: 10_000 }).toBe('true');
    expect(await section.innerText()).not.toContain('Kind in der Kita positiv getestet');
    // Nothing of theirs is found any more, by number or through the log's search.
    await page.getByTestId('subject-find').click();
    await expect
      .poll(() => page.getByTestId('subject-result').and(page.locator('[data-erased="false"]')).count())
      .toBe(0);
    await page.getByTestId('calllog-search').fill(phone);
    await expect.poll(() => page.getByTestId('calllog-row').count(), { timeout: 10_000 }).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
