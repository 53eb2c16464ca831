import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kamailioRequirement, labUser, startKamailio, type Kamailio } from '../lab/kamailio';
import {
  createNetns,
  createOutage,
  netnsRequirement,
  nftablesRequirement,
  type Netns,
  type Outage,
} from '../lab/netns';
import { launchChromium, type Browser } from '../support/chromium';
import { startAgentHost, type HostedAgent } from '../support/hosted-agent';
import { chromium, CHROMIUM_PATH } from '../support/requirements';

/**
 * Network outages inside a private namespace (loopback only): the browser host's connection to
 * Kamailio is cut with nftables, once with resets (and the live connection killed with ss -K),
 * once silently (packets dropped, no reset). The page's status bar must tell the truth, and the
 * line must register again when the network heals.
 */
const skip = chromium.skip || kamailioRequirement.skip || netnsRequirement.skip || nftablesRequirement.skip;

const REGISTERED = /^Telefonie: angemeldet bei ws:\/\/127\.0\.0\.1:\d+$/;

describe.skipIf(skip)('outages', () => {
  let netns: Netns;
  let kamailio: Kamailio;
  let host: HostedAgent;
  let browser: Browser;
  let page: Page;

  const status = () => page.getByTestId('status-registration').innerText();
  let outage: Outage;

  beforeAll(async () => {
    chromium.assert();
    kamailioRequirement.assert();
    netnsRequirement.assert();
    nftablesRequirement.assert();
    netns = createNetns('hd-outage');
    kamailio = await startKamailio({ netns });
    host = await startAgentHost(netns, { server: kamailio.wsUrl, ...labUser('1001') });
    browser = await launchChromium(netns.wrapperScript(CHROMIUM_PATH));
    page = await browser.newPage();
    await page.goto(host.url);
    outage = createOutage(netns);
  });

  afterAll(async () => {
    await browser?.close();
    await host?.stop();
    await kamailio?.stop('SIGKILL');
    netns?.remove();
  });

  it('registers to begin with', async () => {
    await expect.poll(status, { timeout: 20_000 }).toMatch(REGISTERED);
  });

  it('an outage of at least 5 s with resets: says it is reconnecting, and registers again after it heals', async () => {
    outage.refuse(kamailio.wsPort);
    await expect
      .poll(status, { timeout: 15_000 })
      .toMatch(/^Telefonie: Server nicht erreichbar – neuer Versuch in \d+ s/);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(await status()).not.toMatch(REGISTERED);
    outage.heal();
    await expect.poll(status, { timeout: 45_000 }).toMatch(REGISTERED);
  });

  it('a silent outage (packets dropped, no reset) is found by the OPTIONS ping, and heals', async () => {
    outage.silence(kamailio.wsPort);
    // The ping runs every 5 s here and waits 2.5 s for an answer.
    await expect.poll(status, { timeout: 20_000 }).toMatch(/^Telefonie: Server antwortet nicht mehr/);
    outage.heal();
    await expect.poll(status, { timeout: 60_000 }).toMatch(REGISTERED);
  });
});
