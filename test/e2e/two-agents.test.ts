import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kamailioRequirement, labUser, startKamailio, type Kamailio } from '../lab/kamailio';
import { createNetns, netnsRequirement, type Netns } from '../lab/netns';
import { axeViolations, launchChromium, watchPageProblems, type Browser } from '../support/chromium';
import { startAgentHost, type HostedAgent } from '../support/hosted-agent';
import { chromium, CHROMIUM_PATH } from '../support/requirements';

/**
 * Two agents, each with its own browser host, registered with one Kamailio; A calls B and real
 * WebRTC audio flows between two Chromium pages. Everything runs inside a private network
 * namespace that has only loopback, so no packet can leave the machine.
 */
const skip = chromium.skip || kamailioRequirement.skip || netnsRequirement.skip;

async function packetsReceived(page: Page): Promise<number> {
  const quality = page.locator('[data-testid^="quality-"]');
  if ((await quality.count()) === 0) return 0;
  return Number((await quality.first().getAttribute('data-packets')) ?? 0);
}

/** Waits until the page has received at least `more` audio packets beyond `from`. */
async function audioFlows(page: Page, more = 50, from?: number): Promise<number> {
  const start = from ?? (await packetsReceived(page));
  await expect.poll(() => packetsReceived(page), { timeout: 20_000, interval: 500 }).toBeGreaterThan(start + more);
  return packetsReceived(page);
}

describe.skipIf(skip)('two agents call each other with real WebRTC audio', () => {
  let netns: Netns;
  let kamailio: Kamailio;
  let browser: Browser;
  const hosts: HostedAgent[] = [];
  let pageA: Page;
  let pageB: Page;
  const problems: string[][] = [];

  beforeAll(async () => {
    chromium.assert();
    kamailioRequirement.assert();
    netnsRequirement.assert();
    netns = createNetns('hd-e2e');
    kamailio = await startKamailio({ netns });
    for (const user of ['1001', '1002'] as const) {
      hosts.push(
        await startAgentHost(netns, { server: kamailio.wsUrl, ...labUser(user), displayName: `Platz ${user}` }),
      );
    }
    browser = await launchChromium(netns.wrapperScript(CHROMIUM_PATH));
    pageA = await browser.newPage();
    pageB = await browser.newPage();
    problems.push(watchPageProblems(pageA), watchPageProblems(pageB));
    await pageA.goto(hosts[0]!.url);
    await pageB.goto(hosts[1]!.url);
  });

  it('both agents register with Kamailio, sign in for their shift, and the status bar says so', async () => {
    for (const [page, code] of [
      [pageA, 'A-1'],
      [pageB, 'B-2'],
    ] as const) {
      await page.getByTestId('agent-code').fill(code);
      await page.getByTestId('agent-name').fill(`Agent ${code}`);
      await page.getByTestId('agent-sign-in').click();
      await page.getByTestId('agent-signed-in').waitFor();
      expect(await page.getByTestId('status-agent').innerText()).toBe('Agent: Verfügbar');
      await expect
        .poll(() => page.getByTestId('status-registration').innerText(), { timeout: 20_000 })
        .toMatch(/^Telefonie: angemeldet bei ws:\/\/127\.0\.0\.1:\d+$/);
    }
  });

  afterAll(async () => {
    await browser?.close();
    for (const host of hosts) await host.stop();
    await kamailio?.stop('SIGKILL');
    netns?.remove();
  });

  it('A calls B, B answers by clicking Answer, and audio flows both ways', async () => {
    await pageA.getByTestId('dial-target').fill('1002');
    await pageA.getByTestId('dial-call').click();
    const banner = pageB.getByTestId('incoming-call');
    await banner.waitFor({ timeout: 15_000 });
    expect(await pageB.getByTestId('incoming-caller').innerText()).toBe('Platz 1001 (1001)');
    await pageB.getByTestId('incoming-answer').click();
    await pageA.locator('[data-phase="active"]').waitFor({ timeout: 15_000 });
    await pageB.locator('[data-phase="active"]').waitFor({ timeout: 15_000 });
    await audioFlows(pageA);
    await audioFlows(pageB);
    // The Calls view in a call (call card, quality, transfer and tone controls) passes axe too.
    expect(await axeViolations(pageA)).toEqual([]);
    expect(await axeViolations(pageB)).toEqual([]);
  });

  it('hold stops the audio and resume restarts it', async () => {
    await pageA.getByTestId('call-hold').click();
    await pageA.locator('[data-held="true"]').waitFor();
    await expect.poll(() => pageB.locator('.call-status').innerText()).toMatch(/vom Gegenüber gehalten/);
    // Held: B sends nothing to A any more, so A's count stands still.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    const held = await packetsReceived(pageA);
    await new Promise((resolve) => setTimeout(resolve, 4_500));
    expect(await packetsReceived(pageA)).toBeLessThanOrEqual(held + 5);

    await pageA.getByTestId('call-hold').click();
    await pageA.locator('[data-held="false"]').waitFor();
    await audioFlows(pageA, 50, held);
  });

  it('reloading B’s page during the call brings B’s audio back (re-INVITE)', async () => {
    await pageB.reload();
    await pageB.locator('[data-phase="active"]').waitFor({ timeout: 15_000 });
    // A fresh media engine counts from zero: audio flows again into the new page.
    await audioFlows(pageB, 50, 0);
    await audioFlows(pageA);
  });

  it('hang-up ends the call on both sides', async () => {
    await pageA.getByTestId('call-hangup').click();
    await expect.poll(() => pageA.locator('.call-card').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => pageB.locator('.call-card').count(), { timeout: 10_000 }).toBe(0);
    expect(problems.flat().filter((problem) => !/favicon/.test(problem))).toEqual([]);
  });
});
