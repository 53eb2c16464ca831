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
import { runSipp, sippRequirement } from '../lab/sipp';
import { axeViolations, launchChromium, watchPageProblems, type Browser } from '../support/chromium';
import { startAgentHost, type HostedAgent } from '../support/hosted-agent';
import { chromium, CHROMIUM_PATH } from '../support/requirements';

/**
 * Two agents, each with its own browser host, registered with one Kamailio; A calls B and real
 * WebRTC audio flows between two Chromium pages. Everything runs inside a private network
 * namespace that has only loopback, so no packet can leave the machine.
 */
const skip =
  chromium.skip ||
  kamailioRequirement.skip ||
  netnsRequirement.skip ||
  nftablesRequirement.skip ||
  sippRequirement.skip;

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
  let outage: Outage;
  const problems: string[][] = [];

  beforeAll(async () => {
    chromium.assert();
    kamailioRequirement.assert();
    netnsRequirement.assert();
    nftablesRequirement.assert();
    sippRequirement.assert();
    netns = createNetns('hd-e2e');
    outage = createOutage(netns);
    // B reaches Kamailio on a port of its own, so that B's connection can be cut alone.
    kamailio = await startKamailio({ netns, secondWebSocket: true });
    for (const [user, server] of [
      ['1001', kamailio.wsUrl],
      ['1002', kamailio.wsUrl2!],
    ] as const) {
      hosts.push(await startAgentHost(netns, { server, ...labUser(user), displayName: `Platz ${user}` }));
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

  it('DTMF: A’s keypad tones go into the audio, as its RTCDTMFSender reports them (tonechange)', async () => {
    await pageA.getByTestId('call-dtmf').fill('12#');
    await pageA.getByTestId('call-dtmf').press('Enter');
    await expect
      .poll(() => pageA.locator('[data-testid="dtmf-sent"] [data-via="rfc4733"]').innerText(), { timeout: 10_000 })
      .toBe('Im Gespräch gesendet: 12#');
    expect(await pageA.locator('[data-testid="dtmf-sent"] [data-via="info"]').count()).toBe(0);
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

  it('B’s signalling connection drops for 5 s: the audio runs on, and the call recovers when the line is back', async () => {
    outage.refuse(kamailio.wsPort2!);
    const waiting = pageB.getByTestId('call-recovering');
    await waiting.waitFor({ timeout: 15_000 });
    expect(await waiting.innerText()).toMatch(
      /^Verbindung zur Telefonanlage unterbrochen\. Das Gespräch bleibt bestehen/,
    );
    expect(await pageB.getByTestId('status-registration').innerText()).not.toMatch(/angemeldet bei/);
    // No signalling, yet the audio flows both ways: it never went through the SIP server.
    await audioFlows(pageA);
    await audioFlows(pageB);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(await pageB.locator('[data-phase="active"]').count()).toBe(1);
    expect(await axeViolations(pageB)).toEqual([]);

    outage.heal();
    await expect.poll(() => waiting.count(), { timeout: 60_000 }).toBe(0);
    expect(await pageB.getByTestId('status-registration').innerText()).toMatch(/angemeldet bei/);
    expect(await pageA.locator('[data-phase="active"]').count()).toBe(1);
    await audioFlows(pageA);
    await audioFlows(pageB);
  });

  it('hang-up ends the call on both sides, and each engine hands its call quality to main', async () => {
    // Listen to main's events as another client of A's browser host would (same token).
    await pageA.evaluate(() => {
      const token = sessionStorage.getItem('hotline-desk.token') ?? '';
      const reports: unknown[] = [];
      (window as unknown as { qualityReports: unknown[] }).qualityReports = reports;
      const socket = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(token)}`);
      socket.addEventListener('message', (message) => {
        const frame = JSON.parse(String(message.data)) as { type: string; name?: string; payload?: unknown };
        if (frame.type === 'event' && frame.name === 'calls.qualityReported') reports.push(frame.payload);
      });
      return new Promise((resolve) => socket.addEventListener('open', resolve));
    });
    await pageA.getByTestId('call-hangup').click();
    await expect.poll(() => pageA.locator('.call-card').count(), { timeout: 10_000 }).toBe(0);
    await expect.poll(() => pageB.locator('.call-card').count(), { timeout: 10_000 }).toBe(0);
    const reports = () =>
      pageA.evaluate(
        () =>
          (window as unknown as { qualityReports: { quality: { packetsReceived: number; mos: number | null } }[] })
            .qualityReports,
      );
    await expect.poll(async () => (await reports()).length, { timeout: 10_000 }).toBe(1);
    const [report] = await reports();
    expect(report!.quality.packetsReceived).toBeGreaterThan(50);
    expect(report!.quality.mos).toBeGreaterThan(1);
    expect(problems.flat().filter((problem) => !/favicon/.test(problem))).toEqual([]);
  });

  it('a caller whose SDP offers no telephone-event gets A’s keypad tones as SIP INFO', async () => {
    // A is in after-call work since the hang-up; the agent ends it to take the next call.
    const endWrapUp = pageA.getByTestId('agent-end-wrap-up');
    if ((await endWrapUp.count()) > 0) await endWrapUp.click();
    const caller = await runSipp('caller-info-webrtc.xml', {
      kamailioPort: kamailio.sipPort,
      service: '1001',
      netns,
    });
    await pageA
      .getByTestId('incoming-answer')
      .click({ timeout: 15_000 })
      .catch(async (error: unknown) => {
        caller.stop();
        throw new Error(`no incoming call; sipp said: ${(await caller.done).output.slice(-3000)}`, { cause: error });
      });
    await pageA.locator('[data-phase="active"]').waitFor({ timeout: 15_000 });
    await pageA.getByTestId('call-dtmf').fill('12');
    await pageA.getByTestId('call-dtmf').press('Enter');
    await expect
      .poll(() => pageA.locator('[data-testid="dtmf-sent"] [data-via="info"]').innerText())
      .toBe('Als SIP INFO gesendet: 12');
    // The caller checked both INFO bodies (Signal=1, Signal=2) and hung up.
    const { status, output } = await caller.done;
    expect(status, output).toBe(0);
    await expect.poll(() => pageA.locator('.call-card').count(), { timeout: 10_000 }).toBe(0);
  });

  it('B’s call log lists the calls with their quality; a missed call is marked, and Call back calls A', async () => {
    const endWrapUp = async (page: Page) => {
      const button = page.getByTestId('agent-end-wrap-up');
      if ((await button.count()) > 0) await button.click();
    };
    // A answered the last call (the INFO caller's): its after-call work begins once that call's
    // end has gone round, which may be a moment after its card went. Wait for it, then end it, or
    // A would decline the call back below.
    await pageA.getByTestId('agent-end-wrap-up').click({ timeout: 10_000 });
    await expect.poll(() => pageA.getByTestId('agent-status').inputValue()).toBe('available');
    await endWrapUp(pageB);
    // A calls B and gives up before B answers: a missed call for B.
    await pageA.getByTestId('dial-target').fill('1002');
    await pageA.getByTestId('dial-call').click();
    await pageB
      .getByTestId('incoming-call')
      .waitFor({ timeout: 15_000 })
      .catch(async (error: unknown) => {
        // Say what each side showed: a refused dial on A, or B not available.
        const [a, b] = [await pageA.locator('main').innerText(), await pageB.locator('main').innerText()];
        throw new Error(`B never rang.\nA showed:\n${a}\n\nB showed:\n${b}`, { cause: error });
      });
    await pageA.getByTestId('call-hangup').click();
    await expect.poll(() => pageB.getByTestId('incoming-call').count(), { timeout: 10_000 }).toBe(0);

    await pageB.keyboard.press('Alt+2');
    const rows = pageB.getByTestId('calllog-row');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(2);
    expect(await rows.nth(0).getAttribute('data-outcome')).toBe('missed');
    expect(await rows.nth(1).getAttribute('data-outcome')).toBe('answered');
    expect(await rows.nth(0).innerText()).toMatch(/Platz 1001/);
    // The answered call's detail shows the quality the media engine handed over.
    await rows.nth(1).locator('.calllog-select').click();
    await expect.poll(() => pageB.getByTestId('calllog-quality').innerText(), { timeout: 10_000 }).toMatch(/MOS/);
    expect(await axeViolations(pageB)).toEqual([]);

    await rows.nth(0).getByTestId('calllog-callback').click();
    await pageB.waitForFunction(() => window.location.hash === '#/calls');
    await pageA
      .getByTestId('incoming-call')
      .waitFor({ timeout: 15_000 })
      .catch(async (error: unknown) => {
        // The call back never rang at A: say what each side showed (a refused dial, A not available).
        const [a, b] = [await pageA.locator('main').innerText(), await pageB.locator('main').innerText()];
        throw new Error(`A never rang for the call back.\nA showed:\n${a}\n\nB showed:\n${b}`, { cause: error });
      });
    const caller = await pageA
      .getByTestId('incoming-caller')
      .innerText({ timeout: 10_000 })
      .catch(async (error: unknown) => {
        // The call rang and went again: say what each side showed (a call still up, a refusal).
        const [a, b] = [await pageA.locator('main').innerText(), await pageB.locator('main').innerText()];
        throw new Error(`A's incoming call went away.\nA showed:\n${a}\n\nB showed:\n${b}`, { cause: error });
      });
    expect(caller).toMatch(/\(1002\)$/);
    await pageA.getByTestId('incoming-reject').click();
    await expect.poll(() => pageB.locator('.call-card').count(), { timeout: 10_000 }).toBe(0);
  });
  it('an answered call opens the intake form beside it; the draft survives a reload; submitted, it is in the call log', async () => {
    for (const page of [pageA, pageB]) {
      await page.keyboard.press('Alt+1');
      const endWrapUp = page.getByTestId('agent-end-wrap-up');
      if ((await endWrapUp.count()) > 0) await endWrapUp.click();
      // Forms left open by the earlier calls of this run are closed or replaced by the next call's.
    }
    await pageA.getByTestId('dial-target').fill('1002');
    await pageA.getByTestId('dial-call').click();
    await pageB.getByTestId('incoming-answer').click({ timeout: 15_000 });
    await pageB.locator('[data-phase="active"]').waitFor({ timeout: 15_000 });
    const callId = (await pageB.locator('.call-card').first().getAttribute('data-testid'))!.replace(/^call-/, '');
    const panel = pageB.locator(`[data-testid="intake-panel"][data-call-id="${callId}"]`);
    await panel.waitFor({ timeout: 10_000 });
    const form = panel.getByTestId('intake-form');
    // Only a data call opens the personal fields; the caller's number is filled in then (here an
    // extension: not a full number, flagged once touched). A wrong postcode is flagged and kept.
    expect(await form.locator('input[name="name"]').count()).toBe(0);
    await form.locator('input[name="callType"][value="data_call"]').check();
    expect(await form.locator('input[name="phone"]').inputValue()).toBe('1001');
    await form.locator('input[name="name"]').fill('Erika Mustermann');
    await form.locator('input[name="postcode"]').fill('5114');
    await form.locator('input[name="postcode"]').press('Tab');
    expect(await panel.getByTestId('intake-field-postcode').getAttribute('data-invalid')).toBe('true');
    await expect
      .poll(() => panel.getByTestId('intake-save-status').getAttribute('data-state'), { timeout: 5_000 })
      .toBe('saved');
    expect(await axeViolations(pageB)).toEqual([]);
    await pageA.getByTestId('call-hangup').click();
    await expect.poll(() => pageB.locator('.call-card').count(), { timeout: 10_000 }).toBe(0);

    // The window goes (a crash, a reload): the draft is waiting among the unfinished intakes.
    await pageB.reload();
    await pageB.getByTestId(`intake-unfinished-${callId}`).click({ timeout: 15_000 });
    await expect
      .poll(() => form.locator('input[name="name"]').inputValue(), { timeout: 10_000 })
      .toBe('Erika Mustermann');
    expect(await form.locator('input[name="postcode"]').inputValue()).toBe('5114');
    // Submitting with problems is refused and names them; nothing typed is lost.
    await panel.getByTestId('intake-submit').click();
    await panel.getByTestId('intake-problems').waitFor();
    expect(await form.locator('input[name="name"]').inputValue()).toBe('Erika Mustermann');

    await form.locator('input[name="postcode"]').fill('51147');
    await form.locator('input[name="phone"]').fill('0221 987654');
    await form.locator('input[name="triage"][value="see_gp"]').check();
    await form.locator('textarea[name="note"]').fill('Tochter ebenfalls krank');
    await form.locator('input[name="privacyNotice"][value="yes"]').check();
    await panel.getByTestId('intake-submit').click();
    await panel.getByTestId('intake-submitted').waitFor({ timeout: 10_000 });
    expect(await form.getAttribute('data-state')).toBe('submitted');
    // After-call work ended with the submission.
    await expect.poll(() => pageB.getByTestId('agent-status').inputValue(), { timeout: 10_000 }).toBe('available');
    expect(await pageB.getByTestId(`intake-unfinished-${callId}`).count()).toBe(0);
    expect(await axeViolations(pageB)).toEqual([]);

    // The call log finds it by a word of the note and shows the intake with the call.
    await pageB.keyboard.press('Alt+2');
    await pageB.getByTestId('calllog-search').fill('tochter');
    const rows = pageB.getByTestId('calllog-row');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    // The disposition filter offers the form's call types.
    await pageB.getByTestId('calllog-disposition').selectOption('silent');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(0);
    await pageB.getByTestId('calllog-disposition').selectOption('data_call');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
    await rows.first().locator('.calllog-select').click();
    const intake = pageB.getByTestId('calllog-intake');
    await intake.waitFor({ timeout: 10_000 });
    // The detail pane may show the intake a moment before its answers are loaded (seen under load).
    await expect.poll(() => intake.getAttribute('data-state'), { timeout: 10_000 }).toBe('submitted');
    await expect
      .poll(() => intake.innerText(), { timeout: 10_000 })
      .toMatch(/Erika Mustermann[\s\S]*51147[\s\S]*Tochter ebenfalls krank/);
    expect(await pageB.getByTestId('calllog-disposition-value').getAttribute('data-value')).toBe('data_call');
    expect(await axeViolations(pageB)).toEqual([]);
  });
});
