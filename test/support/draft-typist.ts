/**
 * A child process for the crash test: opens the real call log, records a ringing call, answers
 * it, and types into its intake draft one character at a time, saving after each (as the form
 * does), writing calls in between. After every committed save it prints `saved <length>`, after
 * every committed call `call <n>`; the test kills it with SIGKILL somewhere in the middle.
 *
 * Run with jiti (TypeScript as the tests see it):
 *   DRAFT_TYPIST_DATA_DIR=DIR node node_modules/jiti/lib/jiti-cli.mjs THIS
 */
import { CallLog } from '../../src/main/calllog/call-log';
import { testSecrets } from './secrets';
import { DEFAULT_INTAKE_FORM } from '../../src/main/intake/default-form';
import { newInboundCall, transition } from '../../src/main/telephony/call-state';
import { createLogger } from '../../src/main/core/log';

export const TYPED_NOTE = 'Fieber seit Donnerstag, Husten, Tochter ebenfalls krank, bittet um Rückruf am Vormittag';

async function main(dataDir: string): Promise<void> {
  const log = await CallLog.open({
    dataDir,
    secrets: testSecrets(dataDir),
    env: {},
    clock: { now: () => Date.now() },
    log: createLogger({ level: 'error', write: () => undefined }),
    agentCode: () => 'HL-07',
  });
  const ringing = newInboundCall(
    'typed-call',
    { number: '+49 221 987654', name: null, anonymous: false },
    Date.now(),
    'HL-07',
  );
  await log.record(ringing);
  const answered = transition(ringing, { type: 'answer' }, Date.now());
  if (!answered.ok) throw new Error(answered.reason);
  await log.record(answered.state);
  process.stdout.write('answered\n');
  let calls = 0;
  for (let length = 1; length <= TYPED_NOTE.length; length += 1) {
    await log.saveIntake(
      'typed-call',
      DEFAULT_INTAKE_FORM,
      // A postcode with a digit missing: the draft is kept, flagged, never lost.
      { callType: 'data_call', name: 'Erika Mustermann', postcode: '5114', note: TYPED_NOTE.slice(0, length) },
      { submit: false },
    );
    process.stdout.write(`saved ${length}\n`);
    calls += 1;
    const other = newInboundCall(`other-${calls}`, { number: null, name: null, anonymous: true }, Date.now(), 'HL-07');
    await log.record(other);
    process.stdout.write(`call ${calls}\n`);
  }
  process.stdout.write('done\n');
  await log.close();
}

// Only as the child's entry (the test imports TYPED_NOTE from here too).
const dataDir = process.env.DRAFT_TYPIST_DATA_DIR;
if (dataDir) void main(dataDir);
