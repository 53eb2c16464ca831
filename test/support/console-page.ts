import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { BrowserHost } from '../../src/main/host/browser/browser-host';
import { startHost } from './browser-host';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchChromium, watchPageProblems, type Browser } from './chromium';
import { chromium } from './requirements';
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

export interface ConsoleSuite {
  /** A fresh console (see openConsole), its host closed after the test. */
  open(policy?: object | null): Promise<ConsolePage>;
  /** Another page in the same browser (a second tab). */
  newPage(): Promise<Page>;
}

/**
 * For a describe block of e2e tests: Chromium launched once for the block, and every host a
 * test opened closed after it. Call it inside the describe, before the tests.
 */
export function consoleSuite(): ConsoleSuite {
  let browser: Browser | undefined;
  const hosts: BrowserHost[] = [];
  const launched = (): Browser => {
    if (!browser) throw new Error('Chromium is not running: consoleSuite() belongs inside a describe block');
    return browser;
  };
  beforeAll(async () => {
    chromium.assert();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const host of hosts.splice(0)) await host.close();
  });
  return {
    open: (policy = null) => openConsole(launched(), hosts, policy),
    newPage: () => launched().newPage(),
  };
}
