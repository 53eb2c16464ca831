import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { BrowserHost } from '../../src/main/host/browser/browser-host';
import { startHost } from './browser-host';
import { watchPageProblems, type Browser } from './chromium';
import { tempDir } from './temp';

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
