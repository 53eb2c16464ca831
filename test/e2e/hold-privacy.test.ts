import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kamailioRequirement, labUser, startKamailio, type Kamailio } from '../lab/kamailio';
import { createNetns, netnsRequirement, type Netns } from '../lab/netns';
import { installAudioProbe, listen, mediaHeld, type AudioWindow } from '../support/audio-probe';
import { launchChromium, watchPageProblems, type Browser } from '../support/chromium';
import { startAgentHost, type HostedAgent } from '../support/hosted-agent';
import { chromium, CHROMIUM_PATH } from '../support/requirements';

/**
 * A caller on hold hears nothing of the agent. Three agents with their own browser hosts on one
 * Kamailio, real WebRTC between Chromium pages whose fake microphones play a tone, inside a
 * private network namespace. What each side hears is Chromium's own figure for the audio it
 * received (inbound-rtp totalAudioEnergy per second of audio): silence is 0, the tone is not.
 */
const skip = chromium.skip || kamailioRequirement.skip || netnsRequirement.skip;

/**
 * Received power below this is silence: a disabled track's frames decode to exact zeros, or to
 * ±1 LSB of 16-bit audio (9.3e-10) when the track was never enabled; the tone is about 0.25.
 */
const SILENCE = 1e-6;
/** How long each listening window lasts. */
const WINDOW_MS = 3_000;

/**
 * The far end's last frames of voice, already in flight or in the jitter buffer when the call went
 * silent, fade out of the decoder within about half a second (measured: the received power falls
 * a thousandfold every 250 ms, to exact zeros after a second). Silence is judged after that.
 */
async function drained(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 1_000));
}

/** What `page` hears over the next window. */
async function hears(page: Page): Promise<AudioWindow> {
  return listen(page, WINDOW_MS);
}

/** Waits until the page hears the far end's tone (the voice is back), and returns that window. */
async function hearsVoice(page: Page): Promise<AudioWindow> {
  let last: AudioWindow | null = null;
  await expect
    .poll(
      async () => {
        last = await hears(page);
        return last.power;
      },
      { timeout: 30_000, interval: 0 },
    )
    .toBeGreaterThan(SILENCE * 100);
  return last!;
}

/** Asserts the page hears silence while RTP keeps coming (silence frames: no-media timers stay calm). */
async function hearsSilenceFrames(page: Page): Promise<AudioWindow> {
  const heard = await hears(page);
  expect(heard.power, `received power ${heard.power} over ${heard.seconds} s`).toBeLessThan(SILENCE);
  expect(heard.packets).toBeGreaterThan(50);
  return heard;
}

async function signIn(page: Page, code: string): Promise<void> {
  await page.getByTestId('agent-code').fill(code);
  await page.getByTestId('agent-name').fill(`Agent ${code}`);
  await page.getByTestId('agent-sign-in').click();
  await page.getByTestId('agent-signed-in').waitFor();
  await expect
    .poll(() => page.getByTestId('status-registration').innerText(), { timeout: 20_000 })
    .toMatch(/angemeldet bei/);
}

async function endWrapUp(page: Page): Promise<void> {
  const button = page.getByTestId('agent-end-wrap-up');
  if ((await button.count()) > 0) await button.click();
}

/** The call card of the call with that caller number on `page`. */
function card(page: Page, number: string) {
  return page.locator('.call-card', { has: page.locator('.call-caller', { hasText: `(${number})` }) });
}

describe.skipIf(skip)('a caller on hold hears nothing of the agent (real WebRTC)', () => {
  let netns: Netns;
  let kamailio: Kamailio;
  let browser: Browser;
  const hosts: HostedAgent[] = [];
  let pageA: Page;
  let pageB: Page;
  let pageC: Page;
  const problems: string[][] = [];

  beforeAll(async () => {
    chromium.assert();
    kamailioRequirement.assert();
    netnsRequirement.assert();
    netns = createNetns('hd-hold');
    kamailio = await startKamailio({ netns });
    for (const user of ['1001', '1002', '1003'] as const)
      hosts.push(
        await startAgentHost(netns, { server: kamailio.wsUrl, ...labUser(user), displayName: `Platz ${user}` }),
      );
    browser = await launchChromium(netns.wrapperScript(CHROMIUM_PATH));
    const pages: Page[] = [];
    for (const host of hosts) {
      const page = await browser.newPage();
      await installAudioProbe(page);
      problems.push(watchPageProblems(page));
      await page.goto(host.url);
      pages.push(page);
    }
    [pageA, pageB, pageC] = pages as [Page, Page, Page];
  });

  it('three agents sign in and register', async () => {
    for (const [page, code] of [
      [pageA, 'A-1'],
      [pageB, 'B-2'],
      [pageC, 'C-3'],
    ] as const)
      await signIn(page, code);
  });

  afterAll(async () => {
    await browser?.close();
    for (const host of hosts) await host.stop();
    await kamailio?.stop('SIGKILL');
    netns?.remove();
  });

  it('B holds A: A hears silence frames, not B, until B resumes', async () => {
    await pageA.getByTestId('dial-target').fill('1002');
    await pageA.getByTestId('dial-call').click();
    await pageB.getByTestId('incoming-answer').click({ timeout: 15_000 });
    await pageA.locator('[data-phase="active"]').waitFor({ timeout: 15_000 });
    const live = await hearsVoice(pageA);
    await hearsVoice(pageB);

    await pageB.getByTestId('call-hold').click();
    await pageB.locator('[data-held="true"]').waitFor();
    await drained();
    const held = await hearsSilenceFrames(pageA);
    // Held for twice as long: still nothing of B.
    await hearsSilenceFrames(pageA);

    await pageB.getByTestId('call-hold').click();
    await pageB.locator('[data-held="false"]').waitFor();
    const resumed = await hearsVoice(pageA);
    expect(resumed.power).toBeGreaterThan(SILENCE * 100);
    process.stdout.write(
      `hold: A heard ${live.power.toExponential(2)} live, ${held.power.toExponential(2)} held (${held.packets} packets in ${held.seconds.toFixed(1)} s), ${resumed.power.toExponential(2)} resumed\n`,
    );
  });

  it('call waiting: while B talks to C, A (held) hears nothing of that conversation', async () => {
    await pageC.getByTestId('dial-target').fill('1002');
    await pageC.getByTestId('dial-call').click();
    // B answers the second call: the first (with A) goes on hold first.
    await pageB.getByTestId('incoming-answer').click({ timeout: 15_000 });
    await pageC.locator('[data-phase="active"]').waitFor({ timeout: 15_000 });
    await expect.poll(() => card(pageB, '1001').getAttribute('data-held')).toBe('true');
    await drained();
    const talking = await hearsVoice(pageC);
    const waiting = await hearsSilenceFrames(pageA);
    await hearsSilenceFrames(pageA);
    process.stdout.write(
      `call waiting: C heard ${talking.power.toExponential(2)}, A (held) ${waiting.power.toExponential(2)} over ${waiting.packets} packets\n`,
    );

    await card(pageB, '1003').getByTestId('call-hangup').click();
    await expect.poll(() => pageC.locator('.call-card').count(), { timeout: 10_000 }).toBe(0);
    await card(pageB, '1001').getByTestId('call-hold').click();
    await expect.poll(() => card(pageB, '1001').getAttribute('data-held')).toBe('false');
    await hearsVoice(pageA);
    await endWrapUp(pageC);
  });

  it('a muted call stays silent across a reload of B’s page until B unmutes', async () => {
    await pageB.getByTestId('call-mute').click();
    await pageB.locator('[data-muted="true"]').waitFor();
    await drained();
    await hearsSilenceFrames(pageA);

    await pageB.reload();
    await pageB.locator('[data-phase="active"][data-muted="true"]').waitFor({ timeout: 15_000 });
    // The new engine started the call muted: from the re-INVITE on, A hears silence frames.
    await expect.poll(async () => (await hears(pageA)).packets, { timeout: 20_000, interval: 0 }).toBeGreaterThan(50);
    await hearsSilenceFrames(pageA);
    await hearsSilenceFrames(pageA);

    await pageB.getByTestId('call-mute').click();
    await pageB.locator('[data-muted="false"]').waitFor();
    await hearsVoice(pageA);
  });

  it('a held call stays silent when another window takes the audio over, and the old window lets go of everything', async () => {
    await pageB.getByTestId('call-hold').click();
    await pageB.locator('[data-held="true"]').waitFor();
    await drained();
    await hearsSilenceFrames(pageA);
    const before = await mediaHeld(pageB);
    expect(before.tracks).toContain('live');

    const pageB2 = await browser.newPage();
    await installAudioProbe(pageB2);

    problems.push(watchPageProblems(pageB2));
    await pageB2.goto(hosts[1]!.url);
    await pageB2.locator('[data-phase="active"][data-held="true"]').waitFor({ timeout: 15_000 });
    // The old window closed every call's connection and microphone.
    await expect
      .poll(async () => {
        const held = await mediaHeld(pageB);
        return { tracks: [...new Set(held.tracks)], connections: [...new Set(held.connections)] };
      })
      .toEqual({ tracks: ['ended'], connections: ['closed'] });
    // The new window carries the call, held: A hears its silence frames.
    await expect.poll(async () => (await hears(pageA)).packets, { timeout: 20_000, interval: 0 }).toBeGreaterThan(50);
    await hearsSilenceFrames(pageA);
    await hearsSilenceFrames(pageA);

    await pageB2.getByTestId('call-hold').click();
    await pageB2.locator('[data-held="false"]').waitFor();
    await hearsVoice(pageA);
    await pageB2.getByTestId('call-hangup').click();
    await expect.poll(() => pageA.locator('.call-card').count(), { timeout: 10_000 }).toBe(0);
    await pageB2.close();
    expect(problems.flat().filter((problem) => !/favicon/.test(problem))).toEqual([]);
  });
});
