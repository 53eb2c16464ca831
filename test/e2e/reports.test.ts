import { createHash } from 'node:crypto';
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
 * The Reports view in Chromium against the browser host, on a call log seeded with 2,000 calls:
 * the KPIs with the heat map and its table, the notice about callers the console cannot see, an
 * agent's pseudonymised export written through the browser host (its hash checked on disk), and a
 * team lead's identified export that asks for a reason first.
 */
describe.skipIf(chromium.skip)('the Reports view in Chromium', () => {
  let browser: Browser;
  const hosts: BrowserHost[] = [];
  let page: Page;
  let problems: string[];
  let dataDir: string;

  beforeAll(async () => {
    chromium.assert();
    browser = await launchChromium();
    // No policy yet: the organisation makes this user a team lead later in the test.
    ({ page, problems, dataDir } = await openSeededConsole(browser, hosts, 2_000, 21));
  });

  afterAll(async () => {
    await browser?.close();
    for (const host of hosts) await host.close();
  });

  it('shows the KPIs of a range, the heat map with its table, and says what the PBX alone knows', async () => {
    await page.keyboard.press('Alt+3');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await page.getByTestId('reports-from').fill('2020-01-01');
    await page.getByTestId('reports-to').fill('2030-12-31');
    await page.getByTestId('reports-show').click();
    await expect
      .poll(() => page.getByTestId('reports-kpi-status').innerText(), { timeout: 20_000 })
      .toMatch(/01\.01\.2020/);
    const offered = Number((await page.getByTestId('kpi-offered').innerText()).replace(/\D/g, ''));
    const answered = Number((await page.getByTestId('kpi-answered').innerText()).replace(/\D/g, ''));
    expect(offered).toBeGreaterThan(1_000);
    expect(answered).toBeLessThanOrEqual(offered);
    expect(await page.getByTestId('kpi-answer-rate').innerText()).toMatch(/^\d{1,3},\d\s?%$/);

    await page.getByTestId('kpi-heatmap').waitFor();
    expect(await page.getByTestId('kpi-heatmap').getAttribute('role')).toBe('img');
    const table = page.getByTestId('kpi-heatmap-table');
    expect(await table.locator('tbody tr').count()).toBe(7);
    // The table's grand total is the calls offered.
    const total = Number((await table.locator('tfoot td, tfoot th').last().innerText()).replace(/\D/g, ''));
    expect(total).toBe(offered);
    expect(await page.getByTestId('reports-pbx-notice').innerText()).toMatch(/Telefonanlage/);
    // Figures per agent measure people: an agent sees the totals only.
    expect(await page.getByTestId('kpi-agents-withheld').innerText()).toMatch(/nur die Teamleitung/);
    expect(await page.getByTestId('kpi-agents-table').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);

    // A range that ends before it starts is refused, at the field.
    await page.getByTestId('reports-from').fill('2026-05-02');
    await page.getByTestId('reports-to').fill('2026-05-01');
    await page.getByTestId('reports-show').click();
    await page.getByTestId('reports-range-problem').waitFor();
    expect(await page.getByTestId('reports-to').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('reports-from').fill('2020-01-01');
    await page.getByTestId('reports-to').fill('2030-12-31');
  });

  it('an agent exports pseudonymised through the browser host: the file is there, with the hash shown', async () => {
    expect(await page.getByTestId('reports-identified').count()).toBe(0);
    await page.getByTestId('reports-format').selectOption('csv-de');
    await page.getByTestId('reports-export').click();
    const result = page.getByTestId('reports-export-result');
    await expect.poll(() => result.innerText(), { timeout: 60_000 }).toMatch(/SHA-256/);
    const file = await page.getByTestId('reports-export-file').innerText();
    const sha = await page.getByTestId('reports-export-sha256').inputValue();
    expect(file.startsWith(join(dataDir, 'exports'))).toBe(true);
    const bytes = await readFile(file);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(sha);
    const rows = Number(await page.getByTestId('reports-export-rows').getAttribute('data-rows'));
    expect(bytes.toString('utf8').trimEnd().split('\r\n')).toHaveLength(rows + 1);
    expect(bytes.toString('utf8')).not.toMatch(/remote_name|remote_number/);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('a team lead’s identified export needs a reason first', async () => {
    // Only the organisation's policy makes a team lead; the browser host reads it again within seconds.
    await page.keyboard.press('Alt+4');
    await writeFile(join(dataDir, 'policy.json'), JSON.stringify(teamLeadPolicy()));
    await expect
      .poll(() => page.getByTestId('settings-privacy-role').inputValue(), { timeout: 20_000 })
      .toBe('team_lead');
    await page.keyboard.press('Alt+3');
    const identified = page.getByTestId('reports-identified');
    await identified.waitFor({ timeout: 10_000 });
    // A team lead sees the figures per agent.
    await page.getByTestId('reports-show').click();
    await page.getByTestId('kpi-agents-table').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('kpi-agents-table').locator('tbody tr').count()).toBeGreaterThan(1);
    await identified.check();
    await page.getByTestId('reports-format').selectOption('xlsx');
    await page.getByTestId('reports-export').click();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('reports-reason');
    expect(await page.getByTestId('reports-reason').getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('reports-reason').fill('Prüfung durch die Datenschutzbeauftragte');
    await page.getByTestId('reports-export').click();
    await page.locator('[data-testid="reports-export-kind"][data-identified="true"]').waitFor({ timeout: 60_000 });
    const file = await page.getByTestId('reports-export-file').innerText();
    expect(file).toMatch(/identifiziert.*\.xlsx$/);
    expect(await axeViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
