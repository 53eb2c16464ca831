import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { BrowserHost } from '../../src/main/host/browser/browser-host';
import { startHost } from './browser-host';
import { watchPageProblems, type Browser } from './chromium';
import { seedWithCli } from './call-log-data';
import { suiteTempDir, tempDir } from './temp';

export interface ConsolePage {
  readonly page: Page;
  readonly host: BrowserHost;
  readonly dataDir: string;
  /** Console errors and failed requests the page reported. */
  readonly problems: string[];
}

/**
 * A browser host on a fresh data directory (with this machine policy, if any) and a page of it,
 * connected to main. The host goes into `hosts`, for the test to close.
 */
export async function openConsole(
  browser: Browser,
  hosts: BrowserHost[],
  policy: object | null = null,
): Promise<ConsolePage> {
  const dataDir = await tempDir();
  let policyFile: string | null = null;
  if (policy) {
    policyFile = join(dataDir, 'policy.json');
    await writeFile(policyFile, JSON.stringify(policy));
  }
  const host = await startHost(dataDir, policyFile);
  hosts.push(host);
  const page = await browser.newPage();
  const problems = watchPageProblems(page);
  await page.goto(host.url);
  await page.getByTestId('status-connection').and(page.locator('[data-state="open"]')).waitFor();
  return { page, host, dataDir, problems };
}

/**
 * For a whole test file (call it in beforeAll): a data directory seeded with `calls` synthetic
 * calls (`db seed`), a browser host on it whose machine policy is `policy.json` in that directory
 * (absent until the test writes it), and a connected page. The host goes into `hosts`.
 */
export async function openSeededConsole(
  browser: Browser,
  hosts: BrowserHost[],
  calls: number,
  seed: number,
): Promise<ConsolePage> {
  const dataDir = await suiteTempDir();
  await seedWithCli(dataDir, calls, seed);
  const host = await startHost(dataDir, join(dataDir, 'policy.json'));
  hosts.push(host);
  const page = await browser.newPage();
  const problems = watchPageProblems(page);
  await page.goto(host.url);
  await page.getByTestId('status-connection').and(page.locator('[data-state="open"]')).waitFor();
  return { page, host, dataDir, problems };
}
