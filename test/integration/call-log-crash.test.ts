import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { open as openFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { CALL_LOG_FILE, CallLog } from '../../src/main/calllog/call-log';
import { testSecrets } from '../support/secrets';
import { recordingLogger } from '../support/logs';
import { TYPED_NOTE } from '../support/draft-typist';
import { openRaw } from '../support/sqlcipher-pages';
import { tempDir } from '../support/temp';

/**
 * Crash safety: a separate process writes calls (`cli db seed`, in committed batches) and is
 * killed with SIGKILL mid-way. After the restart every batch it reported as committed is there,
 * nothing half-written is, and the integrity check passes.
 */
const CLI = join(process.cwd(), 'out', 'main', 'cli.js');
/** Runs a TypeScript file as the tests see it, in a child process that can be killed. */
const JITI = join(process.cwd(), 'node_modules', 'jiti', 'lib', 'jiti-cli.mjs');
const logs: CallLog[] = [];
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close();
});

async function open(dataDir: string): Promise<CallLog> {
  const log = await CallLog.open({
    dataDir,
    secrets: testSecrets(dataDir),
    env: {},
    clock: { now: () => Date.now() },
    log: recordingLogger(),
  });
  logs.push(log);
  return log;
}

function seed(dataDir: string, calls: number, extra: string[] = []) {
  return spawn(process.execPath, [CLI, 'db', 'seed', '--calls', String(calls), '--data-dir', dataDir, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

describe('the call log across a crash', () => {
  it('keeps every committed batch after SIGKILL of the writing process, and passes the integrity check', async () => {
    const dataDir = await tempDir();
    const child = seed(dataDir, 5_000_000);
    let committed = 0;
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    for await (const line of createInterface({ input: child.stdout })) {
      const match = /^committed (\d+)$/.exec(line);
      if (match) committed = Number(match[1]);
      if (committed >= 30_000) {
        child.kill('SIGKILL');
        break;
      }
    }
    expect(await exited).toBe('SIGKILL');

    const log = await open(dataDir);
    expect(log.status.state).toBe('open');
    // The integrity check runs in the log's worker after opening.
    expect(await log.integrity).toBe('ok');
    const calls = log.status.state === 'open' ? log.status.calls : 0;
    expect(calls).toBeGreaterThanOrEqual(committed);
    // Only whole batches: a transaction the kill interrupted left nothing behind.
    expect(calls % 5_000).toBe(0);
  });

  it('seeds the same calls for the same seed, and says what is wrong with a bad command line', async () => {
    const run = async (dataDir: string, args: string[]) => {
      const child = seed(dataDir, 300, args);
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      return { code, out, err };
    };
    const [one, two] = [await tempDir(), await tempDir()];
    expect((await run(one, ['--seed', '7'])).code).toBe(0);
    expect((await run(two, ['--seed', '7'])).code).toBe(0);
    const rows = async (dataDir: string) => {
      const log = await open(dataDir);
      return (await log.list({ search: '', outcomes: [] }, undefined, 500)).rows;
    };
    const [first, second] = [await rows(one), await rows(two)];
    expect(first).toHaveLength(300);
    expect(second).toEqual(first);
    expect(new Set(first.map((row) => row.outcome)).size).toBeGreaterThan(3);
    expect(first.some((row) => row.remote.name !== null && /^[A-ZÄÖÜ]/.test(row.remote.name))).toBe(true);

    const bad = await run(await tempDir(), ['--seed', 'x']);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('--seed: expected a whole number from 0 to 4294967295');
  });
});

describe('an intake draft across a crash', () => {
  it('is back after SIGKILL of the process typing into it, as far as it was committed; the calls written meanwhile too', async () => {
    const dataDir = await tempDir();
    const child = spawn(process.execPath, [JITI, join('test', 'support', 'draft-typist.ts')], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, DRAFT_TYPIST_DATA_DIR: dataDir },
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.once('exit', (_code, signal) => resolve(signal)),
    );
    let saved = 0;
    let calls = 0;
    for await (const line of createInterface({ input: child.stdout })) {
      const save = /^saved (\d+)$/.exec(line);
      if (save) saved = Number(save[1]);
      const call = /^call (\d+)$/.exec(line);
      if (call) calls = Number(call[1]);
      // Mid-sentence: kill it while it is saving the next keystroke.
      if (saved >= 25) {
        child.kill('SIGKILL');
        break;
      }
    }
    expect(await exited).toBe('SIGKILL');

    const log = await open(dataDir);
    expect(await log.integrity).toBe('ok');
    // The draft is back, at least as far as it was reported saved (a save may have committed
    // between the report and the kill), with its problem still flagged.
    const draft = await log.getIntake('typed-call');
    expect(draft).toMatchObject({
      state: 'draft',
      values: { callType: 'data_call', name: 'Erika Mustermann', postcode: '5114' },
    });
    const note = String(draft?.values.note);
    expect(TYPED_NOTE.startsWith(note)).toBe(true);
    expect(note.length).toBeGreaterThanOrEqual(saved);
    expect(draft?.problems.map((problem) => problem.code)).toContain('not_a_postcode');
    expect(log.unfinishedIntakes().map((each) => each.callId)).toEqual(['typed-call']);
    // The call it belonged to was closed as interrupted, and every call reported written is there.
    expect(log.get('typed-call').outcome).toBe('interrupted');
    for (let n = 1; n <= calls; n += 1) expect(log.get(`other-${n}`).id).toBe(`other-${n}`);
  });
});

describe('damage deep inside the log', () => {
  it('is found by the integrity check in the worker after opening: the log is moved aside, and the status says so', async () => {
    const dataDir = await tempDir();
    const log = await open(dataDir);
    await log.seed({ count: 5_000, seed: 3 });
    await log.close();
    // Page 1 (the key check) stays intact; a page in the middle is overwritten.
    const file = join(dataDir, CALL_LOG_FILE);
    const handle = await openFile(file, 'r+');
    const { size } = await handle.stat();
    await handle.write(randomBytes(4096), 0, 4096, Math.floor(size / 2 / 4096) * 4096);
    await handle.close();

    const damaged = await open(dataDir);
    const statuses: string[] = [];
    damaged.onStatus((status) => statuses.push(status.state));
    expect(await damaged.integrity).toBe('failed');
    expect(damaged.status.state).toBe('corrupt');
    expect(statuses).toEqual(['corrupt']);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dataDir).some((name) => name.startsWith(`${CALL_LOG_FILE}.unreadable-`))).toBe(true);
  });
});

describe('the audit log', () => {
  it('records who changed which setting and which call fields, never values; `audit verify` finds tampering', async () => {
    const dataDir = await tempDir();
    const log = await CallLog.open({
      dataDir,
      secrets: testSecrets(dataDir),
      env: {},
      clock: { now: () => 1_000 },
      log: recordingLogger(),
      agentCode: () => 'HL-07',
    });
    logs.push(log);
    await log.audit('settings_change', 'setting:ui.language', ['ui.language']);
    await log.audit('export', 'sip-trace', ['messages']);
    await log.audit('view', 'call:abc', ['symptoms']);
    expect(log.verifyAudit()).toMatchObject({ ok: true, entries: 3 });
    // Verifying while the log is open (the app running) reads only: the file stays as it is.
    const before = createHash('sha256')
      .update(await readFile(join(dataDir, CALL_LOG_FILE)))
      .digest('hex');
    const whileOpen = spawn(process.execPath, [CLI, 'audit', 'verify', '--data-dir', dataDir], { stdio: 'ignore' });
    expect(await new Promise((resolve) => whileOpen.once('exit', resolve))).toBe(0);
    expect(
      createHash('sha256')
        .update(await readFile(join(dataDir, CALL_LOG_FILE)))
        .digest('hex'),
    ).toBe(before);
    await log.close();

    const verify = async () => {
      const child = spawn(process.execPath, [CLI, 'audit', 'verify', '--data-dir', dataDir], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      return { code, out };
    };
    expect(await verify()).toEqual({ code: 0, out: 'audit log: 3 entries, the chain is intact\n' });

    // Someone with the key removes the guard and edits entry 2.
    const key = (await testSecrets(dataDir).get('calllog.key'))!;
    const db = openRaw(join(dataDir, CALL_LOG_FILE), key);
    const entries = db.prepare('SELECT os_user, agent_code, fields FROM audit ORDER BY seq').all();
    expect(entries).toEqual([
      { os_user: expect.any(String), agent_code: 'HL-07', fields: '["ui.language"]' },
      { os_user: expect.any(String), agent_code: 'HL-07', fields: '["messages"]' },
      { os_user: expect.any(String), agent_code: 'HL-07', fields: '["symptoms"]' },
    ]);
    db.exec('DROP TRIGGER audit_append_only_update');
    db.prepare("UPDATE audit SET agent_code = 'HL-99' WHERE seq = 2").run();
    db.close();
    expect(await verify()).toEqual({ code: 1, out: 'audit log: BROKEN at entry 2: its content was changed\n' });

    // Where there is no log, verifying says so and creates nothing.
    const empty = await tempDir();
    const none = spawn(process.execPath, [CLI, 'audit', 'verify', '--data-dir', empty], { stdio: 'ignore' });
    expect(await new Promise((resolve) => none.once('exit', resolve))).toBe(1);
    expect(readdirSync(empty)).toEqual([]);
  });
});
