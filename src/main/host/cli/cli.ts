import { dirname, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { z } from 'zod';
import {
  exportRequestSchema,
  kpiReportSchema,
  reportRangeSchema,
  type KpiReport,
} from '../../../shared/contract/reports';
import { AppError } from '../../../shared/result';
import { isTeamLead } from '../../privacy/team-lead';
import { DEFAULT_INTAKE_FORM } from '../../intake/default-form';
import { writeKpiWorkbook } from '../../reports/kpi-xlsx';
import { ReportsService } from '../../reports/reports-service';
import { runReportJobHere } from '../../reports/run-here';
import type { SettingsProblem } from '../../../shared/contract/settings';
import { silentLogger } from '../../core/log';
import type { SecretStore } from '../../core/secret-store';
import { systemClock } from '../../core/clock';
import { composePolicy, SettingsService } from '../../settings/settings-service';
import { policyFileToCheck, type PolicySource } from '../../settings/policy/sources';
import { policyFromFile } from '../policy-locations';
import { writeFileAtomic } from '../../core/files';
import { makeFolder } from '../../core/folders';
import { APP_VERSION } from '../../version';
import { checkNativeModules } from './native-modules';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { CALL_LOG_FILE, CallLog, KEY_CHECK_FILE, verifyAuditFile } from '../../calllog/call-log';
import { DATABASE_KEY_ENV, DATABASE_KEY_SECRET, keyCheckValue, readKeyCheck } from '../../calllog/database-key';
import {
  KeyRecoveryError,
  publicKeyFingerprint,
  readRecoveryCopy,
  RECOVERY_FILE,
  unwrapRecoveryCopy,
  type RecoveryCopy,
} from '../../calllog/key-recovery';
import { lockDataDir, type DataDirLock } from '../data-dir-lock';
import { defaultSettings, type SettingKey, type SettingValue } from '../../../shared/settings';
import { probeHeadset } from '../../headset/probe';
import { isKnownDevice } from '../../headset/descriptor-source';
import { cliDevice, findHeadsets, parseDeviceKey } from '../../headset/device-list';
import { HeadsetDevices, passiveSink } from '../../headset/devices';
import type { HidBackend } from '../../headset/hid';
import { createNodeHidBackend } from '../node-hid-backend';

export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** What the CLI needs from its host (plain Node, or the packaged app's `--cli`). */
export interface CliEnvironment {
  readonly io: CliIo;
  readonly host: 'node' | 'electron';
  readonly defaultDataDir: string;
  /** The machine's policy sources (registry or managed preferences, then the policy file). */
  machinePolicy(): readonly PolicySource[];
  /** The secret store of a data folder (the OS keystore where there is one). */
  openSecrets(dataDir: string): SecretStore | Promise<SecretStore>;
  /** The HID port for `headset list` and `headset monitor` (default: node-hid). */
  openHid?(): HidBackend;
  /** Resolves when the user asks a long-running command to stop (default: SIGINT or SIGTERM). */
  untilInterrupted?(): Promise<void>;
}

/** Resolves at the first SIGINT (Ctrl-C) or SIGTERM, and keeps the process alive until then. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    // Signal handlers and the device poll (unref'd) alone would let Node exit at once.
    const alive = setInterval(() => undefined, 2 ** 30);
    const stop = (): void => {
      clearInterval(alive);
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

interface CommonFlags {
  readonly json: boolean;
  readonly dataDir: string;
  /** The machine's policy sources, or the one file named with --policy. */
  readonly policy: readonly PolicySource[];
  /** True when --policy named a file (in place of the machine's policy). */
  readonly policyGiven: boolean;
  /** The machine's policy sources, whatever --policy says (for what only the organisation decides). */
  readonly machinePolicy: readonly PolicySource[];
}

interface CliCommand {
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  run(positionals: string[], flags: CommonFlags, values: Record<string, unknown>, env: CliEnvironment): Promise<number>;
}

/** Exit codes: 0 done, 1 the command ran and found a problem, 2 the command line was wrong. */
export const EXIT_OK = 0;
export const EXIT_PROBLEM = 1;
export const EXIT_USAGE = 2;

class UsageError extends Error {}

const COMMON_OPTIONS = {
  json: { type: 'boolean' },
  'data-dir': { type: 'string' },
  policy: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

function printJson(env: CliEnvironment, value: unknown): void {
  env.io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

function formatProblem(problem: SettingsProblem): string {
  return `${problem.key ?? '(file)'}: ${problem.message}`;
}

/** The secret store in words, honest about one the operating system does not protect. */
function describeSecretStorage(protection: SecretStore['protection']): string {
  if (protection.protected) return `${protection.backend} (the operating system's keystore)`;
  return [
    `${protection.backend}${protection.location ? ` ${protection.location}` : ''}`,
    " (NOT protected by the operating system: whoever can read this user's files, a backup of the home folder too, reads the call log's key and the SIP password",
    protection.reason ? `; no keystore: ${protection.reason}` : '',
    ')',
  ].join('');
}

const infoCommand: CliCommand = {
  name: 'info',
  usage: 'info [--json] [--data-dir DIR]',
  summary: 'Version, data directory, secret storage and the native modules, for support and IT.',
  options: {},
  async run(_positionals, flags, _values, env) {
    const secrets = await env.openSecrets(flags.dataDir);
    const report = {
      name: 'Hotline Desk',
      version: APP_VERSION,
      runtime:
        env.host === 'electron' ? `Electron ${process.versions.electron ?? ''}` : `Node ${process.versions.node}`,
      platform: `${process.platform} ${process.arch}`,
      dataDir: flags.dataDir,
      policySources: flags.policy.map((source) => ({ kind: source.kind, location: source.location })),
      secretStorage: secrets.protection,
      nativeModules: checkNativeModules(),
    };
    if (flags.json) printJson(env, report);
    else {
      const lines = [
        `${report.name} ${report.version} (${report.runtime}, ${report.platform})`,
        `data directory: ${report.dataDir}`,
        ...report.policySources.map((source) => `policy (${source.kind}): ${source.location}`),
        `secret storage: ${describeSecretStorage(report.secretStorage)}`,
        ...report.nativeModules.map(
          (module) => `${module.name}: ${module.loaded ? module.detail : `NOT LOADED: ${module.detail}`}`,
        ),
      ];
      env.io.stdout(`${lines.join('\n')}\n`);
    }
    return report.nativeModules.every((module) => module.loaded) ? EXIT_OK : EXIT_PROBLEM;
  },
};

const settingsCommand: CliCommand = {
  name: 'settings',
  usage: 'settings get [--json] [--data-dir DIR] [--policy FILE]',
  summary: 'The effective settings (defaults, user settings and policy), which keys policy locks, and any problems.',
  options: {},
  async run(positionals, flags, _values, env) {
    if (positionals[0] !== 'get' || positionals.length !== 1) throw new UsageError('expected "settings get"');
    const settings = await SettingsService.open({
      userFile: join(flags.dataDir, 'settings.json'),
      policy: flags.policy,
      clock: systemClock,
      log: silentLogger(),
      readOnly: true,
    });
    // As a window sees it: a policy-only secret (the pseudonym key) is never printed.
    const snapshot = settings.publicSnapshot();
    if (flags.json) printJson(env, snapshot);
    else {
      for (const [key, value] of Object.entries(snapshot.values)) {
        const locked = snapshot.locked.includes(key) ? '  [managed by your organisation]' : '';
        env.io.stdout(`${key} = ${JSON.stringify(value)}${locked}\n`);
      }
      for (const problem of snapshot.problems)
        env.io.stderr(`${problem.source} ${problem.file}: ${formatProblem(problem)}\n`);
    }
    return snapshot.problems.length === 0 ? EXIT_OK : EXIT_PROBLEM;
  },
};

const policyCommand: CliCommand = {
  name: 'policy',
  usage: 'policy check FILE [--json]',
  summary:
    'Validates a policy: a JSON policy file, a registry export (reg export … /reg:64, .reg) or a managed preferences plist. Exit 0: prints the settings it would give. Exit 1: prints each problem with its key.',
  options: {},
  async run(positionals, flags, _values, env) {
    if (positionals[0] !== 'check' || positionals.length !== 2) throw new UsageError('expected "policy check FILE"');
    const file = resolve(positionals[1] ?? '');
    const source = await policyFileToCheck(file);
    const reading = await source.read();
    const policy = composePolicy([{ source, ...reading }]);
    const problems =
      reading.state === 'absent'
        ? [{ source: source.kind, file, key: null, code: 'missing' as const, message: 'no such file' }]
        : policy.problems;
    if (problems.length > 0) {
      if (flags.json) printJson(env, { file, format: source.kind, problems });
      else for (const problem of problems) env.io.stderr(`${file}: ${formatProblem(problem)}\n`);
      return EXIT_PROBLEM;
    }
    const effective = { ...defaultSettings(), ...policy.values };
    printJson(env, { file, format: source.kind, locked: Object.keys(policy.values), settings: effective });
    return EXIT_OK;
  },
};

/** How a command opens the call log: briefly, in its own thread, without the app's extras. */
function commandLogOptions(dataDir: string, secrets: SecretStore, environment: NodeJS.ProcessEnv) {
  return {
    dataDir,
    secrets,
    env: environment,
    clock: systemClock,
    log: silentLogger(),
    // The app checks the log's integrity when it opens it; a command does not wait minutes for that.
    integrityCheck: false,
    // No command lists calls: no search worker; and little cache (a command reads once).
    searchWorker: false,
    writerWorker: false,
    cacheKib: 2_048,
  };
}

/** Opens the data directory's call log for one command; says why, and exits 1, when it cannot be used. */
async function withCallLog(
  flags: CommonFlags,
  env: CliEnvironment,
  work: (log: CallLog) => Promise<number>,
): Promise<number> {
  // Whether the key must be in the OS keystore is the machine policy's to say, not a --policy file's.
  const machine = await SettingsService.open({
    userFile: join(flags.dataDir, 'settings.json'),
    policy: flags.machinePolicy,
    clock: systemClock,
    log: silentLogger(),
    readOnly: true,
  });
  const log = await CallLog.open({
    ...commandLogOptions(flags.dataDir, await env.openSecrets(flags.dataDir), process.env),
    requireProtectedSecrets: () => machine.get('security.requireProtectedSecrets'),
  });
  try {
    const status = log.status;
    if (status.state !== 'open') {
      const why =
        status.state === 'unavailable'
          ? status.reason
          : status.state === 'secrets_unprotected'
            ? `the machine policy requires the operating system's keystore for its key, and there is none here (${status.reason})`
            : status.state;
      env.io.stderr(`the call log cannot be used: ${why}\n`);
      return EXIT_PROBLEM;
    }
    return await work(log);
  } finally {
    await log.close();
  }
}

const dbCommand: CliCommand = {
  name: 'db',
  usage: 'db seed --calls N [--seed S] [--data-dir DIR] [--json]',
  summary:
    'Fills the call log with N synthetic calls (German names and numbers; the same for the same seed), for demos and benchmarks.',
  options: { calls: { type: 'string' }, seed: { type: 'string' } },
  async run(positionals, flags, values, env) {
    if (positionals[0] !== 'seed' || positionals.length !== 1) throw new UsageError('expected "db seed --calls N"');
    const count = Number(values.calls);
    if (!Number.isInteger(count) || count < 1 || count > 10_000_000)
      throw new UsageError('--calls: expected a whole number from 1 to 10000000');
    const seed = values.seed === undefined ? 1 : Number(values.seed);
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
      throw new UsageError('--seed: expected a whole number from 0 to 4294967295');
    await makeFolder(flags.dataDir);
    // The running app holds this lock: seeding under it would race its writes.
    const lock = await lockDataDir(flags.dataDir, 'CLI db seed');
    try {
      return await withCallLog(flags, env, async (log) => {
        const started = performance.now();
        await log.seed({
          count,
          seed,
          // Each committed batch is said at once: what a crash can no longer take away.
          committed: (total) => {
            if (!flags.json) env.io.stdout(`committed ${total}\n`);
          },
        });
        const seconds = (performance.now() - started) / 1000;
        const after = log.status;
        const total = after.state === 'open' ? after.calls : count;
        if (flags.json) printJson(env, { inserted: count, seed, calls: total, seconds });
        else
          env.io.stdout(`inserted ${count} calls (seed ${seed}) in ${seconds.toFixed(1)} s; the log holds ${total}\n`);
        return EXIT_OK;
      });
    } finally {
      await lock.release();
    }
  },
};

const auditCommand: CliCommand = {
  name: 'audit',
  usage: 'audit verify [--data-dir DIR] [--json]',
  summary: 'Checks the audit log’s hash chain. Exit 0: intact. Exit 1: names the first entry that breaks it.',
  options: {},
  async run(positionals, flags, _values, env) {
    if (positionals[0] !== 'verify' || positionals.length !== 1) throw new UsageError('expected "audit verify"');
    // Read-only, without the lock: it may run while the app runs, and never creates or changes a log.
    const check = await verifyAuditFile(flags.dataDir, await env.openSecrets(flags.dataDir), process.env);
    if ('problem' in check) {
      env.io.stderr(`${check.problem}\n`);
      return EXIT_PROBLEM;
    }
    if (flags.json) printJson(env, check);
    else if (check.ok) env.io.stdout(`audit log: ${check.entries} entries, the chain is intact\n`);
    else env.io.stdout(`audit log: BROKEN at entry ${check.brokenAt}: ${check.reason}\n`);
    return check.ok ? EXIT_OK : EXIT_PROBLEM;
  },
};

async function headsetList(env: CliEnvironment, backend: HidBackend): Promise<number> {
  let entries;
  try {
    entries = await backend.devices();
  } catch (error) {
    env.io.stderr(`HID devices cannot be listed: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_PROBLEM;
  }
  const found = await findHeadsets(backend, entries, { isKnown: isKnownDevice });
  printJson(env, found.map(cliDevice));
  return EXIT_OK;
}

/**
 * Reads the headset the app would use (or `--device`), one JSON line per control that changes,
 * and a line whenever the device in use or its status changes, until interrupted. Nothing is
 * written to the device, and nothing is printed while no headset is connected.
 */
async function headsetMonitor(
  env: CliEnvironment,
  flags: CommonFlags,
  backend: HidBackend,
  device: string | undefined,
): Promise<number> {
  if (device !== undefined && parseDeviceKey(device) === null)
    throw new UsageError(`--device: expected VVVV:PPPP or VVVV:PPPP:serial (hexadecimal USB IDs), got "${device}"`);
  let chosen = device;
  if (chosen === undefined) {
    const settings = await SettingsService.open({
      userFile: join(flags.dataDir, 'settings.json'),
      policy: flags.policy,
      clock: systemClock,
      log: silentLogger(),
      readOnly: true,
    });
    chosen = settings.get('headset.device');
  }
  const preference = { enabled: true, device: chosen };
  const devices = new HeadsetDevices({
    backend,
    sink: passiveSink,
    log: silentLogger(),
    preferences: () => preference,
  });
  const line = (value: unknown): void => env.io.stdout(`${JSON.stringify(value)}\n`);
  let last = JSON.stringify({ status: 'no_devices', device: null });
  devices.onChange((listing) => {
    const now = JSON.stringify({ status: listing.status, device: listing.chosen });
    if (now === last) return;
    last = now;
    line({ type: 'status', at: new Date().toISOString(), status: listing.status, device: listing.chosen });
  });
  devices.onInput((event) => line({ type: 'input', at: new Date().toISOString(), ...event }));
  try {
    await devices.refresh();
    // Listening for Ctrl-C before saying so: a signal right after the line must find the handler.
    const interrupted = (env.untilInterrupted ?? untilSignal)();
    env.io.stderr('Monitoring headsets; Ctrl-C stops.\n');
    await interrupted;
  } finally {
    await devices.close();
  }
  return EXIT_OK;
}

const headsetCommand: CliCommand = {
  name: 'headset',
  usage: 'headset probe|list|monitor [options]',
  summary:
    'probe --descriptor HEX|FILE [--vid 0xVVVV --pid 0xPPPP]: what a headset can do, from its HID report descriptor (hex, binary dump or fixture .json), as JSON. list: the headsets connected and their capabilities, as JSON. monitor [--device VVVV:PPPP[:serial]]: the headset in use, a JSON line per button change, until Ctrl-C.',
  options: {
    descriptor: { type: 'string' },
    vid: { type: 'string' },
    pid: { type: 'string' },
    device: { type: 'string' },
  },
  async run(positionals, flags, values, env) {
    const text = (name: string) => (typeof values[name] === 'string' ? values[name] : undefined);
    const [action] = positionals;
    if (positionals.length !== 1 || (action !== 'probe' && action !== 'list' && action !== 'monitor'))
      throw new UsageError('expected "headset probe --descriptor HEX|FILE", "headset list" or "headset monitor"');
    if (action === 'probe') {
      const probe = await probeHeadset({ descriptor: text('descriptor'), vid: text('vid'), pid: text('pid') });
      // Whatever is wrong here came in on the command line (the descriptor itself or a file it names).
      if (!probe.ok) throw new UsageError(probe.error.message);
      // stdout carries the map and nothing else; what was left out is said on stderr.
      for (const warning of probe.value.warnings) env.io.stderr(`warning: ${warning.message} (field left out)\n`);
      printJson(env, probe.value.json);
      return EXIT_OK;
    }
    const backend = env.openHid?.() ?? createNodeHidBackend({ log: silentLogger() });
    if (action === 'list') return headsetList(env, backend);
    return headsetMonitor(env, flags, backend, text('device'));
  },
};

/** The settings a report command works with (read-only: defaults, the user's, the policy's). */
async function readSettings(flags: CommonFlags): Promise<SettingsService> {
  return SettingsService.open({
    userFile: join(flags.dataDir, 'settings.json'),
    policy: flags.policy,
    clock: systemClock,
    log: silentLogger(),
    readOnly: true,
  });
}

function formOf(settings: Pick<SettingsService, 'get'>) {
  return settings.get('intake.form') ?? DEFAULT_INTAKE_FORM;
}

/** A zod problem as a command-line message: which option, what was wrong. */
function optionProblem(error: z.ZodError, names: Readonly<Record<string, string>>): string {
  const issue = error.issues[0];
  const path = issue?.path.map(String) ?? [];
  const option = names[path.join('.')] ?? names[path[0] ?? ''] ?? (path.join('.') || 'input');
  return `${option}: ${issue?.message ?? 'invalid'}`;
}

const exportCommand: CliCommand = {
  name: 'export',
  usage:
    'export --from YYYY-MM-DD --to YYYY-MM-DD --format csv-de|csv-iso|xlsx --out FILE [--identified --reason TEXT] [--data-dir DIR]',
  summary:
    'Exports the calls of a day range (Europe/Berlin, both days included), pseudonymised unless --identified (team leads, with a reason); audited. Never leaves a partial file.',
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    identified: { type: 'boolean' },
    reason: { type: 'string' },
  },
  async run(positionals, flags, values, env) {
    if (positionals.length > 0) throw new UsageError(`unexpected "${positionals.join(' ')}"`);
    if (typeof values.out !== 'string' || values.out === '') throw new UsageError('--out: expected the file to write');
    if (values.reason !== undefined && values.identified !== true)
      throw new UsageError('--reason: only an identified export (--identified) takes a reason');
    const parsed = exportRequestSchema.safeParse({
      range: { from: values.from, to: values.to },
      format: values.format,
      identified: values.identified === true,
      ...(typeof values.reason === 'string' ? { reason: values.reason } : {}),
    });
    if (!parsed.success)
      throw new UsageError(
        optionProblem(parsed.error, {
          'range.from': '--from',
          'range.to': '--to',
          format: '--format',
          reason: '--reason',
        }),
      );
    const target = resolve(values.out);
    // Who is a team lead is the machine policy's to say, not a file named on the command line.
    if (parsed.data.identified && flags.policyGiven)
      throw new AppError(
        'forbidden',
        'an identified export checks the team-lead role against the machine policy only; leave out --policy',
      );
    const read = await readSettings(flags);
    // A pseudonym key in a file named on the command line is whoever wrote that file's, not the
    // organisation's: caller_ref then uses this installation's own key, and the export says so.
    const settings = flags.policyGiven
      ? {
          get: <K extends SettingKey>(key: K): SettingValue<K> =>
            key === 'reports.pseudonymKey' ? (defaultSettings()[key] as SettingValue<K>) : read.get(key),
        }
      : read;
    if (flags.policyGiven && read.get('reports.pseudonymKey') !== '')
      env.io.stderr(
        'warning: --policy: reports.pseudonymKey is taken from the machine policy only; caller_ref uses this installation’s own key\n',
      );
    const lock = await lockDataDir(flags.dataDir, 'CLI export');
    try {
      return await withCallLog(flags, env, async (log) => {
        const reports = new ReportsService({
          callLog: log,
          settings,
          form: () => formOf(settings),
          isTeamLead: () =>
            isTeamLead({ teamLeads: settings.get('privacy.teamLeads'), role: settings.get('privacy.role') }),
          defaultDirectory: dirname(target),
          clock: systemClock,
          log: silentLogger(),
          progress: () => undefined,
        });
        const result = await reports.export(parsed.data, target);
        if (flags.json) printJson(env, result);
        else
          env.io.stdout(
            `${result.rows} calls written to ${result.file} (${result.format}, ${result.identified ? 'identified' : 'pseudonymised'}; SHA-256 ${result.sha256})\n${
              result.pseudonymKey === 'installation'
                ? 'caller_ref uses this installation’s own key: it cannot be linked with other laptops’ exports (set reports.pseudonymKey by policy for that)\n'
                : ''
            }`,
          );
        return EXIT_OK;
      });
    } finally {
      await lock.release();
    }
  },
};

const reportCommand: CliCommand = {
  name: 'report',
  usage:
    'report kpi (--data-dir DIR | --input FILE...) --from YYYY-MM-DD --to YYYY-MM-DD --format json|xlsx [--out FILE]',
  summary:
    'The KPIs of a day range, per agent and in total: from this installation’s call log, or merged from pseudonymised exports (csv-iso, xlsx) of several laptops (each call counted once). JSON: durations in seconds, rates 0–1.',
  options: {
    input: { type: 'string', multiple: true },
    from: { type: 'string' },
    to: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
  },
  async run(positionals, flags, values, env) {
    const given = Array.isArray(values.input) ? values.input.filter((each) => typeof each === 'string') : [];
    // `--input a.csv b.xlsx` as well as `--input a.csv --input b.xlsx`.
    const inputs = given.length > 0 ? [...given, ...positionals.slice(1)] : [];
    if (positionals[0] !== 'kpi' || (given.length === 0 && positionals.length !== 1))
      throw new UsageError('expected "report kpi"');
    const range = reportRangeSchema.safeParse({ from: values.from, to: values.to });
    if (!range.success) throw new UsageError(optionProblem(range.error, { from: '--from', to: '--to' }));
    const format = values.format;
    if (format !== 'json' && format !== 'xlsx')
      throw new UsageError(`--format: expected json or xlsx, got "${String(format ?? '')}"`);
    const out = typeof values.out === 'string' && values.out !== '' ? resolve(values.out) : null;
    if (format === 'xlsx' && out === null) throw new UsageError('--out: an xlsx report needs a file to write');
    const settings = await readSettings(flags);
    const form = formOf(settings);
    const filter = { outcomes: [] };
    let report: KpiReport;
    if (inputs.length > 0) {
      report = await runReportJobHere(
        {
          kind: 'merge',
          inputs: inputs.map((input) => resolve(input)),
          range: range.data,
          filter,
          form,
          generatedAt: Date.now(),
        },
        { result: kpiReportSchema },
      );
    } else {
      const lock = await lockDataDir(flags.dataDir, 'CLI report');
      try {
        let found: KpiReport | null = null;
        const status = await withCallLog(flags, env, async (log) => {
          found = await runReportJobHere(
            { kind: 'kpi', db: await log.readAccess(), range: range.data, filter, form, generatedAt: Date.now() },
            { result: kpiReportSchema },
          );
          return EXIT_OK;
        });
        if (found === null) return status;
        report = found;
      } finally {
        await lock.release();
      }
    }
    if (format === 'xlsx') {
      await writeKpiWorkbook(report, out!);
      env.io.stdout(`KPI report written to ${out!}\n`);
    } else if (out !== null) {
      await writeFileAtomic(out, `${JSON.stringify(report, null, 2)}\n`);
      env.io.stdout(`KPI report written to ${out}\n`);
    } else printJson(env, report);
    return EXIT_OK;
  },
};

/**
 * The passphrase of an encrypted recovery private key: from the environment only, never a
 * command-line argument (that would land in the shell history and in process lists).
 */
export const RECOVERY_PASSPHRASE_ENV = 'HOTLINE_DESK_RECOVERY_PASSPHRASE';

type StoredKey =
  | { readonly state: 'absent' }
  | { readonly state: 'present'; readonly key: string }
  | { readonly state: 'damaged' }
  | { readonly state: 'unreadable'; readonly problem: string };

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What this profile's secret store holds for the call log key: compared, never printed. */
async function readStoredKey(secrets: SecretStore): Promise<StoredKey> {
  let stored: string | null;
  try {
    stored = await secrets.get(DATABASE_KEY_SECRET);
  } catch (error) {
    return { state: 'unreadable', problem: errorText(error) };
  }
  if (stored === null) return { state: 'absent' };
  return /^[0-9a-f]{64}$/i.test(stored) ? { state: 'present', key: stored.toLowerCase() } : { state: 'damaged' };
}

/** The log's key check value (null: there is no check file), or what is wrong with the file. */
async function readLogCheck(
  dataDir: string,
): Promise<{ readonly check: string | null } | { readonly problem: string }> {
  const file = join(dataDir, KEY_CHECK_FILE);
  try {
    return { check: await readKeyCheck(file) };
  } catch (error) {
    return { problem: `${file} cannot be read (${errorText(error)})` };
  }
}

/** Logs the app moved aside: each still needs the key it was written with. */
async function movedAsideLogs(dataDir: string): Promise<string[]> {
  const prefix = `${CALL_LOG_FILE}.unreadable-`;
  return (await readdir(dataDir))
    .filter((name) => name.startsWith(prefix) && !name.endsWith('-wal') && !name.endsWith('-shm'))
    .sort();
}

/** The key in HOTLINE_DESK_DB_KEY, which wins over the stored one wherever the log is opened. */
function environmentKey(): string | null {
  const value = process.env[DATABASE_KEY_ENV];
  return value === undefined || value === '' ? null : value.trim().toLowerCase();
}

function fail(env: CliEnvironment, message: string): number {
  env.io.stderr(`${message}\n`);
  return EXIT_PROBLEM;
}

async function differentKeyProblem(dataDir: string, stored: StoredKey, check: string | null): Promise<string> {
  if (stored.state === 'damaged')
    return `this profile's secret store already holds a damaged entry for the call log key (${DATABASE_KEY_SECRET}: not 64 hexadecimal digits). It opens nothing, but run again with --replace to overwrite it; nothing was changed`;
  const aside = await movedAsideLogs(dataDir);
  return [
    `this profile's secret store already holds a different call log key (${DATABASE_KEY_SECRET}), one that ${
      check === null ? 'cannot be compared with this log (it has no key check file)' : 'does not open this call log'
    }.`,
    `It may be the key of another call log: one started afresh after the profile was reset, a backup, or one the app moved aside${
      aside.length > 0 ? ` (here: ${aside.join(', ')})` : ''
    }; once it is replaced, such files cannot be opened again.`,
    'Keep what you need, then run again with --replace to store the recovered key in its place; nothing was changed',
  ].join(' ');
}

async function keyRecover(flags: CommonFlags, values: Record<string, unknown>, env: CliEnvironment): Promise<number> {
  const given = values['private-key'];
  if (typeof given !== 'string' || given === '')
    throw new UsageError('--private-key: expected the PEM file of the organisation’s recovery private key');
  const keyFile = resolve(given);
  let privateKeyPem: string;
  try {
    privateKeyPem = await readFile(keyFile, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--private-key: ${keyFile} cannot be read (${(error as NodeJS.ErrnoException).code ?? errorText(error)})`,
    );
  }
  if (!existsSync(join(flags.dataDir, CALL_LOG_FILE)))
    return fail(env, `there is no call log in ${flags.dataDir}: there is no key to recover (is --data-dir right?)`);
  let lock: DataDirLock;
  try {
    // The running app holds the log with its key: a key stored under it would meet a log in use.
    lock = await lockDataDir(flags.dataDir, 'CLI key recover');
  } catch (error) {
    if (error instanceof AppError && error.code === 'conflict')
      return fail(env, `${error.message} Quit it first, then run key recover again; nothing was changed`);
    throw error;
  }
  try {
    return await recoverUnderLock(flags, values.replace === true, privateKeyPem, env);
  } finally {
    await lock.release();
  }
}

async function recoverUnderLock(
  flags: CommonFlags,
  replace: boolean,
  privateKeyPem: string,
  env: CliEnvironment,
): Promise<number> {
  const { dataDir } = flags;
  const copyFile = join(dataDir, RECOVERY_FILE);
  let copy: RecoveryCopy | null;
  try {
    copy = await readRecoveryCopy(dataDir);
  } catch (error) {
    if (error instanceof KeyRecoveryError) return fail(env, `the recovery copy is damaged: ${error.message}`);
    throw error;
  }
  if (copy === null)
    return fail(
      env,
      `there is no recovery copy of the call log key in ${dataDir} (${RECOVERY_FILE}): the app writes one only while policy sets security.recoveryPublicKey, so this log's key cannot be recovered`,
    );
  const passphraseValue = process.env[RECOVERY_PASSPHRASE_ENV];
  const passphrase = passphraseValue === undefined || passphraseValue === '' ? undefined : passphraseValue;
  let keyHex: string;
  try {
    keyHex = unwrapRecoveryCopy(copy, privateKeyPem, passphrase);
  } catch (error) {
    if (!(error instanceof KeyRecoveryError)) throw error;
    const hint =
      passphrase === undefined && privateKeyPem.includes('ENCRYPTED')
        ? ` (the private key is encrypted: put its passphrase in the environment variable ${RECOVERY_PASSPHRASE_ENV})`
        : '';
    return fail(env, `${error.message}${hint}; nothing was changed`);
  }
  const logCheck = await readLogCheck(dataDir);
  if ('problem' in logCheck) return fail(env, `${logCheck.problem}; nothing was changed`);
  if (logCheck.check !== null && logCheck.check !== keyCheckValue(keyHex))
    return fail(
      env,
      `the recovered key does not open the call log in ${dataDir}: it fails the log's key check (${KEY_CHECK_FILE}), so the recovery copy was made for another log's key (copied from another installation?); nothing was changed`,
    );

  const secrets = await env.openSecrets(dataDir);
  const stored = await readStoredKey(secrets);
  // After a profile reset the old entries are sealed to the old profile: --replace writes over them.
  if (stored.state === 'unreadable' && !replace)
    return fail(
      env,
      `this profile's secret store cannot be read (${stored.problem}); after a profile reset its entries are sealed to the old profile: run again with --replace to store the recovered key over them; nothing was changed`,
    );
  const already = stored.state === 'present' && stored.key === keyHex;
  if (!already && stored.state !== 'absent' && !replace)
    return fail(env, await differentKeyProblem(dataDir, stored, logCheck.check));
  if (!already) await secrets.set(DATABASE_KEY_SECRET, keyHex);

  // Opened with the stored key, which was just recovered: a key in the environment would prove nothing about it.
  const withoutOverride = { ...process.env };
  delete withoutOverride[DATABASE_KEY_ENV];
  const log = await CallLog.open(commandLogOptions(dataDir, secrets, withoutOverride));
  let calls: number;
  try {
    const status = log.status;
    if (status.state !== 'open') {
      const why =
        status.state === 'unavailable'
          ? status.reason
          : status.state === 'corrupt'
            ? `it is damaged and was moved aside to ${status.movedTo}`
            : status.state === 'newer_version'
              ? `a newer version of Hotline Desk wrote it (version ${status.version})`
              : 'the key does not open it';
      return fail(
        env,
        `the recovered key is stored in this profile's secret store, but the call log does not open: ${why}`,
      );
    }
    calls = status.calls;
    await log.audit('update', 'key:recovered', [], { recipient: copy.recipient });
  } finally {
    await log.close();
  }

  const secretStore: 'stored' | 'already_stored' | 'replaced' = already
    ? 'already_stored'
    : stored.state === 'absent'
      ? 'stored'
      : 'replaced';
  const overridden = environmentKey() !== null;
  if (flags.json)
    printJson(env, {
      dataDir,
      recoveryFile: copyFile,
      recipient: copy.recipient,
      copyCreatedAt: copy.createdAt,
      keyCheck: logCheck.check === null ? 'no_check_file' : 'match',
      secretStore,
      secretStorage: secrets.protection,
      calls,
      audit: 'key:recovered',
      environmentOverride: overridden,
    });
  else {
    const storage = `${secrets.protection.backend}${secrets.protection.protected ? '' : ', not protected by the operating system'}`;
    const lines = [
      `recovered the call log key from ${copyFile} (written ${copy.createdAt} for the recovery key with SHA-256 ${copy.recipient})`,
      secretStore === 'stored'
        ? `stored it in this profile's secret store (${storage})`
        : secretStore === 'replaced'
          ? `replaced the entry that was in this profile's secret store with it (${storage})`
          : `this profile's secret store already held this key: left as it was (${storage})`,
      `the call log opens: ${calls} calls; the recovery is recorded in its audit log (key:recovered)`,
      ...(logCheck.check === null
        ? [`note: the log had no key check file (${KEY_CHECK_FILE}); opening it proved the key`]
        : []),
      ...(overridden ? [`note: ${DATABASE_KEY_ENV} is set here: wherever it is set, it wins over the stored key`] : []),
    ];
    env.io.stdout(`${lines.join('\n')}\n`);
  }
  return EXIT_OK;
}

async function keyStatus(flags: CommonFlags, env: CliEnvironment): Promise<number> {
  const { dataDir } = flags;
  const logExists = existsSync(join(dataDir, CALL_LOG_FILE));
  const logCheck = await readLogCheck(dataDir);
  const check = 'check' in logCheck ? logCheck.check : null;
  const opensLog = (key: string): boolean | null => (check === null ? null : keyCheckValue(key) === check);
  const secrets = await env.openSecrets(dataDir);
  const stored = await readStoredKey(secrets);
  const fromEnvironment = environmentKey();
  const environmentValid = fromEnvironment !== null && /^[0-9a-f]{64}$/.test(fromEnvironment);

  const copyFile = join(dataDir, RECOVERY_FILE);
  let copy: RecoveryCopy | null = null;
  let copyProblem: string | null = null;
  try {
    copy = await readRecoveryCopy(dataDir);
  } catch (error) {
    if (!(error instanceof KeyRecoveryError)) throw error;
    copyProblem = error.message;
  }
  const policyKey = (await readSettings(flags)).get('security.recoveryPublicKey');
  let policyRecipient: string | null = null;
  if (policyKey !== '') {
    try {
      policyRecipient = publicKeyFingerprint(policyKey);
    } catch {
      // The settings refuse a key that does not read; nothing to compare then.
    }
  }

  const report = {
    dataDir,
    callLog: logExists,
    keyCheck: 'problem' in logCheck ? 'unreadable' : check === null ? 'absent' : 'present',
    storedKey: {
      state: stored.state,
      opensLog: stored.state === 'present' ? opensLog(stored.key) : null,
    },
    environmentKey:
      fromEnvironment === null
        ? null
        : { valid: environmentValid, opensLog: environmentValid ? opensLog(fromEnvironment) : false },
    secretStorage: secrets.protection,
    recoveryCopy:
      copy !== null
        ? {
            file: copyFile,
            recipient: copy.recipient,
            createdAt: copy.createdAt,
            holdsLogKey: check === null ? null : copy.check === check,
          }
        : copyProblem !== null
          ? { file: copyFile, problem: copyProblem }
          : null,
    policyRecipient,
  };

  const problems: string[] = [];
  if ('problem' in logCheck) problems.push(logCheck.problem);
  if (stored.state === 'unreadable') problems.push(`this profile's secret store cannot be read (${stored.problem})`);
  if (stored.state === 'damaged') problems.push(`the stored call log key is damaged (${DATABASE_KEY_SECRET})`);
  if (fromEnvironment !== null && !environmentValid)
    problems.push(`${DATABASE_KEY_ENV}: expected 64 hexadecimal digits`);
  if (logExists) {
    const effective = fromEnvironment ?? (stored.state === 'present' ? stored.key : null);
    if (effective === null)
      problems.push(
        `the call log's key is missing from this profile's secret store${copy !== null ? ': IT can recover it (key recover --private-key FILE)' : ''}`,
      );
    else if (opensLog(effective) === false)
      problems.push(
        `the ${fromEnvironment !== null ? `key in ${DATABASE_KEY_ENV}` : 'stored key'} does not open this call log`,
      );
  }
  if (copyProblem !== null) problems.push(`the recovery copy is damaged: ${copyProblem}`);
  if (copy !== null && check !== null && copy.check !== check)
    problems.push('the recovery copy holds another key than this log’s: it cannot recover this log');

  if (flags.json) printJson(env, { ...report, problems });
  else {
    const keyLine = (() => {
      switch (stored.state) {
        case 'absent':
          return 'missing';
        case 'damaged':
          return 'DAMAGED';
        case 'unreadable':
          return `cannot be read (${stored.problem})`;
        case 'present': {
          const opens = opensLog(stored.key);
          return opens === null
            ? 'stored (no key check file to compare it with)'
            : opens
              ? 'stored; it opens this log'
              : 'stored; it does NOT open this log';
        }
      }
    })();
    const copyLine =
      copy !== null
        ? `${copyFile}, for the recovery key with SHA-256 ${copy.recipient} (written ${copy.createdAt})${
            check === null ? '' : copy.check === check ? '; it holds this log’s key' : '; it holds ANOTHER key'
          }`
        : copyProblem !== null
          ? `DAMAGED: ${copyProblem}`
          : 'none';
    const policyLine =
      policyRecipient === null
        ? 'none set'
        : `SHA-256 ${policyRecipient}${
            copy?.recipient === policyRecipient
              ? ' (the recovery copy is for it)'
              : ' (the app writes a copy for it the next time it opens the log with its key)'
          }`;
    const lines = [
      `data directory: ${dataDir}`,
      `call log: ${logExists ? 'present' : 'none'}`,
      `call log key in this profile's secret store (${secrets.protection.backend}): ${keyLine}`,
      ...(fromEnvironment === null
        ? []
        : [
            `${DATABASE_KEY_ENV}: set, and wins over the stored key${
              report.environmentKey?.opensLog === true
                ? '; it opens this log'
                : report.environmentKey?.opensLog === false
                  ? '; it does NOT open this log'
                  : ''
            }`,
          ]),
      `recovery copy: ${copyLine}`,
      `recovery key in policy: ${policyLine}`,
    ];
    env.io.stdout(`${lines.join('\n')}\n`);
    for (const problem of problems) env.io.stderr(`problem: ${problem}\n`);
  }
  return problems.length === 0 ? EXIT_OK : EXIT_PROBLEM;
}

const keyCommand: CliCommand = {
  name: 'key',
  usage: 'key status [--data-dir DIR] [--json] | key recover --private-key FILE [--replace] [--data-dir DIR] [--json]',
  summary: `status: whether this profile's secret store holds the call log key and it opens the log, and the recovery copy's recipient (the SHA-256 of its public key's DER, as openssl pkey -pubin -outform DER | sha256sum); exit 1 when the log cannot be opened or the copy is damaged. recover --private-key FILE: after a lost OS profile, unwraps the key from the recovery copy with the organisation's private key (PEM; an encrypted one's passphrase in ${RECOVERY_PASSPHRASE_ENV}), checks it against the log, stores it in this profile's secret store (--replace: over a different key there) and audits it. Never prints the key; the app must not be running.`,
  options: { 'private-key': { type: 'string' }, replace: { type: 'boolean' } },
  async run(positionals, flags, values, env) {
    const [action] = positionals;
    if (positionals.length !== 1 || (action !== 'status' && action !== 'recover'))
      throw new UsageError('expected "key status" or "key recover --private-key FILE"');
    if (action === 'recover') return keyRecover(flags, values, env);
    if (values['private-key'] !== undefined || values.replace !== undefined)
      throw new UsageError('--private-key and --replace belong to "key recover"');
    return keyStatus(flags, env);
  },
};

export const COMMANDS: readonly CliCommand[] = [
  infoCommand,
  settingsCommand,
  policyCommand,
  dbCommand,
  auditCommand,
  exportCommand,
  reportCommand,
  headsetCommand,
  keyCommand,
];

export function usage(): string {
  const width = Math.max(...COMMANDS.map((command) => command.usage.length));
  return [
    'Usage: hotline-desk <command> [options]',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.usage.padEnd(width)}  ${command.summary}`),
    '',
    'Common options: --json (machine-readable output), --data-dir DIR, --policy FILE, --help.',
    'Errors go to stderr. Exit status: 0 ok, 1 a problem was found, 2 the command line was wrong.',
  ].join('\n');
}

/** Runs one CLI invocation and returns its exit status; never calls process.exit itself. */
export async function runCli(argv: readonly string[], env: CliEnvironment): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    env.io.stdout(`${usage()}\n`);
    return name === undefined ? EXIT_USAGE : EXIT_OK;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    env.io.stderr(`hotline-desk: unknown command "${name}"\n\n${usage()}\n`);
    return EXIT_USAGE;
  }
  try {
    const { values, positionals } = parseArgs({
      args: [...rest],
      options: { ...COMMON_OPTIONS, ...command.options },
      strict: true,
      allowPositionals: true,
    });
    if (values.help) {
      env.io.stdout(`Usage: hotline-desk ${command.usage}\n\n${command.summary}\n`);
      return EXIT_OK;
    }
    const flags: CommonFlags = {
      json: values.json === true,
      dataDir: resolve(typeof values['data-dir'] === 'string' ? values['data-dir'] : env.defaultDataDir),
      policy: typeof values.policy === 'string' ? policyFromFile(resolve(values.policy)) : env.machinePolicy(),
      policyGiven: typeof values.policy === 'string',
      machinePolicy: env.machinePolicy(),
    };
    return await command.run(positionals, flags, values, env);
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      env.io.stderr(`hotline-desk ${name}: ${error.message}\nUsage: hotline-desk ${command.usage}\n`);
      return EXIT_USAGE;
    }
    env.io.stderr(`hotline-desk ${name}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_PROBLEM;
  }
}
