import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { kamailioRequirement, labUser, startKamailio } from '../lab/kamailio';
import { createNetns, netnsRequirement } from '../lab/netns';
import { launchChromium } from '../support/chromium';
import { startAgentHost, type HostedAgent } from '../support/hosted-agent';
import { chromium, CHROMIUM_PATH } from '../support/requirements';

/**
 * `npm run screenshots`: the README's pictures of the Calls view, taken from the browser host.
 * Two agents on the SIP lab inside a private network namespace (root, Kamailio, Chromium): one
 * calls the other, so that the pictures show a real incoming call and a real connected call with
 * its quality figures. Writes docs/screenshots/*.png.
 */
const OUT = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');

async function signIn(page: Page, code: string, name: string): Promise<void> {
  await page.getByTestId('agent-code').fill(code);
  await page.getByTestId('agent-name').fill(name);
  await page.getByTestId('agent-sign-in').click();
  await page.getByTestId('agent-signed-in').waitFor();
  await expect
    .poll(() => page.getByTestId('status-registration').innerText(), { timeout: 20_000 })
    .toMatch(/angemeldet bei|registered with/);
}

it('takes the Calls view (ready, an incoming call, a connected call; German and English) and the call log', async () => {
  chromium.assert();
  kamailioRequirement.assert();
  netnsRequirement.assert();
  await mkdir(OUT, { recursive: true });
  const netns = createNetns('hd-screens');
  const kamailio = await startKamailio({ netns });
  const hosts: HostedAgent[] = [];
  const browser = await launchChromium(netns.wrapperScript(CHROMIUM_PATH));
  try {
    hosts.push(
      await startAgentHost(netns, { server: kamailio.wsUrl, ...labUser('1001'), displayName: 'Erika Mustermann' }),
      await startAgentHost(netns, { server: kamailio.wsUrl, ...labUser('1002'), displayName: 'Hotline Platz 2' }),
    );
    const caller = await browser.newPage();
    const agent = await browser.newPage();
    await agent.setViewportSize({ width: 1200, height: 800 });
    await caller.goto(hosts[0]!.url);
    await agent.goto(hosts[1]!.url);
    await signIn(caller, 'T-01', 'Testanruf');
    await signIn(agent, 'HL-07', 'Jana Schulz');
    await agent.screenshot({ path: join(OUT, 'calls-ready.png') });

    await caller.getByTestId('dial-target').fill('1002');
    await caller.getByTestId('dial-call').click();
    await agent.getByTestId('incoming-call').waitFor({ timeout: 15_000 });
    await agent.screenshot({ path: join(OUT, 'calls-incoming.png') });

    await agent.getByTestId('incoming-answer').click();
    await agent.locator('[data-phase="active"]').waitFor({ timeout: 15_000 });
    // Wait for the first quality figures (a few seconds of audio), then send a tone or two.
    await expect
      .poll(async () => Number((await agent.locator('[data-testid^="quality-"]').getAttribute('data-packets')) ?? 0), {
        timeout: 20_000,
      })
      .toBeGreaterThan(200);
    await agent.getByTestId('call-dtmf').fill('1#');
    await agent.getByTestId('call-dtmf').press('Enter');
    await expect.poll(() => agent.getByTestId('dtmf-sent').innerText()).toMatch(/1#$/);
    await agent.locator('body').click({ position: { x: 5, y: 5 } });
    await agent.screenshot({ path: join(OUT, 'calls-connected.png') });

    // The same call in English (Settings → language), for the English README section.
    await agent.keyboard.press('Alt+4');
    await agent.getByTestId('setting-language').selectOption('en');
    await agent.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    await agent.keyboard.press('Alt+1');
    await agent.locator('[data-phase="active"]').waitFor();
    await agent.locator('body').click({ position: { x: 5, y: 5 } });
    await agent.screenshot({ path: join(OUT, 'calls-connected-en.png') });
    await agent.getByTestId('call-hangup').click();

    // The call log after that call, with its detail (back in German).
    await agent.keyboard.press('Alt+4');
    await agent.getByTestId('setting-language').selectOption('de');
    await agent.getByRole('navigation', { name: 'Hauptnavigation' }).waitFor();
    await agent.keyboard.press('Alt+2');
    await agent.getByTestId('calllog-row').first().locator('.calllog-select').click();
    await expect.poll(() => agent.getByTestId('calllog-quality').innerText(), { timeout: 10_000 }).toMatch(/MOS/);
    await agent.screenshot({ path: join(OUT, 'calllog.png') });
  } finally {
    await browser.close();
    for (const host of hosts) await host.stop();
    await kamailio.stop('SIGKILL');
    netns.remove();
  }
});
