import { it } from 'vitest';
import type { CallSnapshot } from '../src/shared/calls';
import type { RegistrationState } from '../src/shared/contract/calls';
import { kamailioRequirement, labUser, startKamailio } from '../test/lab/kamailio';
import { runSipp, sippRequirement } from '../test/lab/sipp';
import { configureAccount, FAST, startApp, waitForRegistration } from '../test/support/app';
import { StaticMediaEngine } from '../test/support/static-media';
import { tempDir } from '../test/support/temp';
import { printFigures, printMachine, type Figures } from './measure';

const context = { clientId: 'bench' };
const clock = () => performance.timeOrigin + performance.now();

function figures(name: string, samples: number[]): Figures {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (fraction: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  return {
    name,
    iterations: samples.length,
    opsPerSecond: 1000 / mean,
    meanMs: mean,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    p99Ms: at(0.99),
    maxMs: sorted.at(-1) ?? Number.NaN,
  };
}

it.skipIf(kamailioRequirement.skip || sippRequirement.skip)(
  'calls: registration and call handling against Kamailio',
  { timeout: 300_000 },
  async () => {
    printMachine(
      'Calls: in-process handling times (from the SIP trace) and end-to-end figures against Kamailio on loopback',
    );
    const kamailio = await startKamailio();
    const app = await startApp(await tempDir(), { ...FAST, media: new StaticMediaEngine() });
    try {
      await app.dispatch('diagnostics.setSipTrace', { enabled: true }, context);
      await configureAccount(app, { servers: [kamailio.wsUrl], ...labUser('1001') });
      await waitForRegistration(app, (state) => state.state === 'registered');

      // REGISTER → 200 OK, and the time from the 200 arriving to the registered event.
      const registerRoundTrip: number[] = [];
      const registeredHandling: number[] = [];
      for (let i = 0; i < 40; i += 1) {
        app.telephony.trace.clear();
        let registeredAt = 0;
        const stop = app.telephony.registration.onChange((state: RegistrationState) => {
          if (state.state === 'registered') registeredAt = clock();
        });
        await app.dispatch('calls.reconnect', {}, context);
        await waitForRegistration(app, (state) => state.state === 'registered');
        stop();
        const entries = app.telephony.trace.list();
        const sent = entries
          .filter((entry) => entry.direction === 'out' && entry.message.startsWith('REGISTER '))
          .at(-1);
        const ok = entries.find(
          (entry) =>
            entry.direction === 'in' &&
            entry.message.startsWith('SIP/2.0 200') &&
            /CSeq: \d+ REGISTER/.test(entry.message),
        );
        if (sent && ok) registerRoundTrip.push(ok.at - sent.at);
        if (ok && registeredAt) registeredHandling.push(registeredAt - ok.at);
      }

      // INVITE arrival → ringing event; answer request → 200 OK sent. One sipp process places the
      // calls one after another, so that no process start-up competes with the measurement.
      await app.dispatch('settings.update', { key: 'calls.wrapUpSeconds', value: 0 }, context);
      const ringHandling: number[] = [];
      const answerHandling: number[] = [];
      const calls = 30;
      const answered = new Promise<void>((resolve) => {
        let count = 0;
        const stop = app.events.subscribe((name, payload) => {
          const call = payload as CallSnapshot;
          if (name !== 'calls.changed' || call.phase !== 'ringing') return;
          const ringAt = clock();
          const invite = app.telephony.trace
            .list()
            .filter((entry) => entry.direction === 'in' && entry.message.startsWith('INVITE '))
            .at(-1);
          if (invite) ringHandling.push(ringAt - invite.at);
          void (async () => {
            const answerAt = clock();
            await app.dispatch('calls.answer', { callId: call.id }, context);
            const ok = app.telephony.trace
              .list()
              .filter(
                (entry) =>
                  entry.direction === 'out' &&
                  entry.message.startsWith('SIP/2.0 200') &&
                  /CSeq: \d+ INVITE/.test(entry.message),
              )
              .at(-1);
            if (ok) answerHandling.push(ok.at - answerAt);
            count += 1;
            if (count === calls) {
              stop();
              resolve();
            }
          })();
        });
      });
      const caller = await runSipp('caller-bye.xml', {
        kamailioPort: kamailio.sipPort,
        service: '1001',
        calls,
        ratePerSecond: 2,
        timeoutSeconds: 120,
      });
      await answered;
      await caller.done;

      // Time to register again after the server restarts (production back-off: about 1 s, doubling, with jitter).
      const production = await startApp(await tempDir(), { media: new StaticMediaEngine() });
      const restart: number[] = [];
      try {
        await configureAccount(production, { servers: [kamailio.wsUrl], ...labUser('1002') });
        await waitForRegistration(production, (state) => state.state === 'registered');
        for (let i = 0; i < 5; i += 1) {
          await kamailio.stop('SIGKILL');
          await waitForRegistration(production, (state) => state.state === 'reconnecting');
          await kamailio.start();
          const back = clock();
          await waitForRegistration(production, (state) => state.state === 'registered', 60_000);
          restart.push(clock() - back);
        }
      } finally {
        await production.close();
      }

      printFigures([
        figures('REGISTER → 200 OK (network round trip via Kamailio)', registerRoundTrip),
        figures('200 OK received → registered event (in process)', registeredHandling),
        figures('INVITE received → ringing event (in process)', ringHandling),
        figures('answer request → 200 OK sent (in process, with the media engine)', answerHandling),
        figures('server back → registered again (default back-off)', restart),
      ]);
    } finally {
      await app.close();
      await kamailio.stop('SIGKILL');
    }
  },
);
