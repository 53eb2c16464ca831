import { it } from 'vitest';
import type { CallSnapshot } from '../src/shared/calls';
import type { RegistrationState } from '../src/shared/contract/calls';
import { kamailioRequirement, labUser, startKamailio } from '../test/lab/kamailio';
import { runSipp, sippRequirement } from '../test/lab/sipp';
import { configureAccount, FAST, startApp, waitForRegistration } from '../test/support/app';
import { StaticMediaEngine } from '../test/support/static-media';
import { tempDir } from '../test/support/temp';
import { LoggerFactory } from 'sip.js/lib/core/log/logger-factory.js';
import { Parser } from 'sip.js/lib/core/messages/parser.js';
import { figures, measure, printFigures, printMachine } from './measure';

const context = { clientId: 'bench' };
const clock = () => performance.timeOrigin + performance.now();

/** An INVITE as Kamailio relays a sipp caller's to the console (two Record-Routes, two Vias, SDP). */
const SAMPLE_INVITE = [
  'INVITE sip:k8c1l2qz@x7hq2w9p3m4v.invalid;alias=127.0.0.1~60054~5;transport=ws SIP/2.0',
  'Record-Route: <sip:127.0.0.1:45831;transport=ws;r2=on;lr>',
  'Record-Route: <sip:127.0.0.1:5060;r2=on;lr>',
  'Via: SIP/2.0/WS 127.0.0.1:45831;branch=z9hG4bK8265.8f03c689570cc2c491959a7afe706e69.0',
  'Via: SIP/2.0/UDP 127.0.0.1:34019;received=127.0.0.1;branch=z9hG4bK-14221-1-0;rport=34019',
  'From: "Erika Mustermann" <sip:+4930123456@127.0.0.1:34019>;tag=14221SIPpTag001',
  'To: <sip:1001@127.0.0.1:45831>',
  'Call-ID: 1-14221@127.0.0.1',
  'CSeq: 1 INVITE',
  'Contact: <sip:caller@127.0.0.1:34019>',
  'Max-Forwards: 69',
  'Content-Type: application/sdp',
  'Content-Length: 147',
  '',
  'v=0\r\no=caller 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n',
].join('\r\n');
const quietFactory = new LoggerFactory();
quietFactory.builtinEnabled = false;
const quietLogger = quietFactory.getLogger('sip.Parser');

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

      // For comparison: sip.js's own parser on the INVITE as it reaches the console (no network,
      // none of our code). Most of "INVITE received → ringing event" is spent here.
      const parsing = await measure('sip.js Parser.parseMessage(INVITE) alone (for comparison)', () =>
        Parser.parseMessage(SAMPLE_INVITE, quietLogger),
      );

      printFigures([
        figures('REGISTER → 200 OK (network round trip via Kamailio)', registerRoundTrip),
        figures('200 OK received → registered event (in process)', registeredHandling),
        figures('INVITE received → ringing event (in process)', ringHandling),
        parsing,
        figures('answer request → 200 OK sent (in process, with the media engine)', answerHandling),
        figures('server back → registered again (default back-off)', restart),
      ]);
    } finally {
      await app.close();
      await kamailio.stop('SIGKILL');
    }
  },
);
