import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { it } from 'vitest';
import { CALL_LOG_FILE, CallLog } from '../src/main/calllog/call-log';
import { REKEY_NEEDED_SECRET } from '../src/main/calllog/database-key';
import { mulberry32 } from '../src/main/calllog/seed';
import { testSecrets } from '../test/support/secrets';
import { silentLogger } from '../src/main/core/log';
import type { CallLogQuery } from '../src/shared/contract/calllog';
import { tempDir } from '../test/support/temp';
import { measure, printFigures, printMachine } from './measure';

/**
 * The call log with 1,000,000 calls: inserts per second, opening (with the integrity check), file
 * size, and search latency. Goal: searches under 20 ms at p95. Figures only; nothing asserts timings.
 */
const CALLS = Number(process.env.HOTLINE_DESK_BENCH_CALLS ?? 1_000_000);

async function open(dataDir: string): Promise<CallLog> {
  return CallLog.open({
    dataDir,
    secrets: testSecrets(dataDir),
    env: {},
    clock: { now: () => Date.now() },
    log: silentLogger(),
  });
}

it(`call log: ${CALLS.toLocaleString('en')} calls`, { timeout: 1_800_000 }, async () => {
  printMachine(
    `Call log: ${CALLS.toLocaleString('en')} synthetic calls (80 % of the answered ones with an intake), searches in the reader's worker, encrypted (SQLCipher 4, raw key), WAL, synchronous=FULL`,
  );
  const dataDir = await tempDir();
  let log = await open(dataDir);
  const seeding = performance.now();
  await log.seed({ count: CALLS, seed: 42 });
  const seedSeconds = (performance.now() - seeding) / 1000;
  await log.close();

  const opening = performance.now();
  log = await open(dataDir);
  const openMs = performance.now() - opening;
  // The integrity check runs in the writer's worker after opening; the app is usable meanwhile.
  const integrity = await log.integrity;
  const integrityMs = performance.now() - opening;
  const files = await Promise.all(
    ['', '-wal'].map(
      async (suffix) => (await stat(join(dataDir, CALL_LOG_FILE + suffix)).catch(() => null))?.size ?? 0,
    ),
  );

  const random = mulberry32(7);
  const prefixes = ['Mü', 'Schm', 'Anna', 'Kl', 'Jürgen K', 'Öz', 'We', 'Hoff', 'Erika M', 'Pe'];
  const numbers = ['+49 30 12', '0151 3', '+49 89', '040 55', '49176', '0221 4'];
  const noteWords = ['Fieber', 'Kita', 'Rückruf vormittags', 'Dolmetscher', 'Pflegekraft', 'Testergebnis'];
  const day = (offset: number) => new Date(Date.now() - offset * 86_400_000).toISOString().slice(0, 10);
  const search = (query: Partial<CallLogQuery>) => () =>
    log.list({ search: '', outcomes: [], ...query }, undefined, 100);
  const options = { iterations: 300, warmup: 20 };
  const rows = [
    await measure(
      'search: name prefix (first page of 100)',
      () => search({ search: prefixes[Math.floor(random() * prefixes.length)]! })(),
      options,
    ),
    await measure(
      'search: number (digits prefix)',
      () => search({ search: numbers[Math.floor(random() * numbers.length)]! })(),
      options,
    ),
    await measure(
      'search: words of an intake note (full-text)',
      () => search({ search: noteWords[Math.floor(random() * noteWords.length)]! })(),
      options,
    ),
    await measure(
      'search: 7 days + outcome missed',
      () => {
        const start = 7 + Math.floor(random() * 60);
        return search({ from: day(start), to: day(start - 6), outcomes: ['missed'] })();
      },
      options,
    ),
    await measure('list: newest first, first page', search({}), options),
  ];
  const first = await log.list({ search: '', outcomes: [] }, undefined, 100);
  rows.push(
    await measure(
      'list: next page (keyset)',
      () => log.list({ search: '', outcomes: [] }, first.next ?? undefined, 100),
      options,
    ),
  );
  printFigures(rows);
  console.log(
    [
      `inserts: ${Math.round(CALLS / seedSeconds).toLocaleString('en')} calls/s (${seedSeconds.toFixed(1)} s for ${CALLS.toLocaleString('en')}, batches of 5,000)`,
      `open (ready for calls): ${openMs.toFixed(0)} ms; integrity check in the worker: ${integrity} after ${(integrityMs / 1000).toFixed(1)} s`,
      `file size: ${(files[0]! / 2 ** 20).toFixed(1)} MiB (+ WAL ${(files[1]! / 2 ** 20).toFixed(1)} MiB), ${(files[0]! / CALLS).toFixed(0)} bytes per call`,
    ].join('\n'),
  );
  await log.close();

  // A key that lay beside the data (an earlier version) is replaced at the next opening: every
  // page re-encrypted (SQLCipher's rekey), before the log takes calls.
  await testSecrets(dataDir).set(REKEY_NEEDED_SECRET, 'bench');
  const rekeying = performance.now();
  log = await open(dataDir);
  const rekeyOpenMs = performance.now() - rekeying;
  const audited = log.verifyAudit();
  await log.close();
  console.log(
    `re-key at opening (${CALLS.toLocaleString('en')} calls, ${(files[0]! / 2 ** 20).toFixed(0)} MiB): open took ${(rekeyOpenMs / 1000).toFixed(1)} s, against ${(openMs / 1000).toFixed(1)} s without; audit chain ${audited.ok ? 'intact' : 'BROKEN'}`,
  );
});
