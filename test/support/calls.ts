import { expect } from 'vitest';
import type { App, AppTuning } from '../../src/main/app';
import type { Ports } from '../../src/main/ports';
import type { CallSnapshot } from '../../src/shared/calls';
import { labUser, startKamailio, stopAll, type Kamailio } from '../lab/kamailio';
import { runSipp, type SippRun } from '../lab/sipp';
import { configureAccount, FAST, startApp, waitForRegistration } from './app';
import { StaticMediaEngine } from './static-media';
import { tempDir } from './temp';

/** Helpers for the call tests: agents on the lab, sipp parties, and waiting for call events. */

export type LabUser = '1001' | '1002' | '1003' | '1004';

export interface LabAgent {
  readonly app: App;
  readonly media: StaticMediaEngine;
  /** Every calls.changed event the agent's core emitted, in order. */
  readonly calls: CallSnapshot[];
}

const labs: Kamailio[] = [];
const apps: App[] = [];
const sipps: SippRun[] = [];

/** One agent's core, registered through `server` (a ws:// URL) and signed in. */
export async function registeredAgent(
  server: string,
  user: LabUser,
  tuning: AppTuning = {},
  overrides: Partial<Pick<Ports, 'hid'>> & { readonly dataDir?: string; readonly policyFile?: string } = {},
): Promise<LabAgent> {
  const media = new StaticMediaEngine();
  const { dataDir, ...ports } = overrides;
  const app = await startApp(dataDir ?? (await tempDir()), { ...FAST, media, ...tuning }, ports);
  apps.push(app);
  const calls: CallSnapshot[] = [];
  app.events.subscribe((name, payload) => {
    if (name === 'calls.changed') calls.push(payload as CallSnapshot);
  });
  await configureAccount(app, { servers: [server], ...labUser(user) });
  await waitForRegistration(app, (state) => state.state === 'registered');
  return { app, media, calls };
}

export async function lab(): Promise<Kamailio> {
  const kamailio = await startKamailio();
  labs.push(kamailio);
  return kamailio;
}

export async function sipp(...args: Parameters<typeof runSipp>): Promise<SippRun> {
  const run = await runSipp(...args);
  sipps.push(run);
  return run;
}

/** The first call event (so far or later, or only after the event `after`) that matches. */
export async function callEvent(
  calls: CallSnapshot[],
  match: (call: CallSnapshot) => boolean,
  timeoutMs = 10_000,
  after?: CallSnapshot,
): Promise<CallSnapshot> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const from = after ? calls.indexOf(after) + 1 : 0;
    const found = calls.slice(from).find(match);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(
        `no matching call event; saw ${JSON.stringify(calls.map((call) => [call.phase, call.outcome, call.endStatus]))}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** sipp exits 0 when its scenario ran to the end; otherwise show what it said. */
export async function expectCompleted(run: SippRun): Promise<void> {
  const { status, output } = await run.done;
  expect(status, output).toBe(0);
}

/** For afterEach: stops every sipp, app and Kamailio the helpers started. */
export async function cleanUpCallLab(): Promise<void> {
  for (const run of sipps.splice(0)) run.stop();
  for (const app of apps.splice(0)) await app.close();
  await stopAll(labs);
}
