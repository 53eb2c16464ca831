import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kamailioRequirement, labUser, startKamailio, type Kamailio } from '../lab/kamailio';
import { createNetns, netnsRequirement, type Netns } from '../lab/netns';
import { launchChromium, type Browser } from '../support/chromium';
import { startAgentHost, type HostedAgent } from '../support/hosted-agent';
import { chromium, CHROMIUM_PATH, executable, requirement } from '../support/requirements';

/**
 * Network outages inside a private namespace (loopback only): the browser host's connection to
 * Kamailio is cut with nftables, once with resets (and the live connection killed with ss -K),
 * once silently (packets dropped, no reset). The page's status bar must tell the truth, and the
 * line must register again when the network heals.
 */
const NFT = '/usr/sbin/nft';
const nftables = requirement(
  'nftables and ss',
  executable(NFT) && executable('/usr/bin/ss'),
  'Install the Debian packages nftables and iproute2.',
);
const skip = chromium.skip || kamailioRequirement.skip || netnsRequirement.skip || nftables.skip;

const REGISTERED = /^Telefonie: angemeldet bei ws:\/\/127\.0\.0\.1:\d+$/;

describe.skipIf(skip)('outages', () => {
  let netns: Netns;
  let kamailio: Kamailio;
  let host: HostedAgent;
  let browser: Browser;
  let page: Page;

  const status = () => page.getByTestId('status-registration').innerText();
  const nft = (...args: string[]) => netns.run(NFT, args);

  beforeAll(async () => {
    chromium.assert();
    kamailioRequirement.assert();
    netnsRequirement.assert();
    nftables.assert();
    netns = createNetns('hd-outage');
    kamailio = await startKamailio({ netns });
    host = await startAgentHost(netns, { server: kamailio.wsUrl, ...labUser('1001') });
    browser = await launchChromium(netns.wrapperScript(CHROMIUM_PATH));
    page = await browser.newPage();
    await page.goto(host.url);
    nft('add', 'table', 'inet', 'outage');
    nft('add', 'chain', 'inet', 'outage', 'output', '{ type filter hook output priority 0 ; }');
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
    nft(
      'add',
      'rule',
      'inet',
      'outage',
      'output',
      'tcp',
      'dport',
      String(kamailio.wsPort),
      'reject',
      'with',
      'tcp',
      'reset',
    );
    netns.run('ss', ['-K', 'dst', '127.0.0.1', 'dport', '=', String(kamailio.wsPort)]);
    await expect
      .poll(status, { timeout: 15_000 })
      .toMatch(/^Telefonie: Server nicht erreichbar – neuer Versuch in \d+ s/);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(await status()).not.toMatch(REGISTERED);
    nft('flush', 'chain', 'inet', 'outage', 'output');
    await expect.poll(status, { timeout: 45_000 }).toMatch(REGISTERED);
  });

  it('a silent outage (packets dropped, no reset) is found by the OPTIONS ping, and heals', async () => {
    nft('add', 'rule', 'inet', 'outage', 'output', 'tcp', 'dport', String(kamailio.wsPort), 'drop');
    nft('add', 'rule', 'inet', 'outage', 'output', 'tcp', 'sport', String(kamailio.wsPort), 'drop');
    // The ping runs every 5 s here and waits 2.5 s for an answer.
    await expect.poll(status, { timeout: 20_000 }).toMatch(/^Telefonie: Server antwortet nicht mehr/);
    nft('flush', 'chain', 'inet', 'outage', 'output');
    await expect.poll(status, { timeout: 60_000 }).toMatch(REGISTERED);
  });
});
