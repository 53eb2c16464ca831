import { promises as fs } from 'node:fs';
import type { PolicySourceState, SettingsProblem, SettingsSnapshot } from '../../shared/contract/settings';
import { AppError } from '../../shared/result';
import {
  defaultSettings,
  isAtLeastAsStrict,
  POLICY_ONLY_SETTING_KEYS,
  SECRET_SETTING_KEYS,
  SETTING_KEYS,
  SETTINGS,
  STRICTER_ONLY_SETTING_KEYS,
  stricterOf,
  type SettingChange,
  type SettingDefinition,
  type SettingKey,
  type SettingsValues,
  type SettingValue,
} from '../../shared/settings';
import { preserveUnreadable, readTextIfExists, writeFileAtomic } from '../core/files';
import { Sequencer } from '../core/sequencer';
import type { Logger } from '../core/log';
import type { Clock } from '../core/clock';
import type { Unsubscribe } from '../core/disposables';
import type { PolicyReading, PolicySource } from './policy/policy-source';
import { validateLayer, type ValidatedLayer } from './validate';
import { Emitter } from '../../shared/emitter';
import { errorFields } from '../core/errors';

export interface SettingsServiceOptions {
  /** The user's own settings, written by this service. */
  readonly userFile: string;
  /**
   * The machine policy sources, highest precedence first (Group Policy or a configuration
   * profile, then the policy file). Every key they set wins over the user's and is locked.
   */
  readonly policy: readonly PolicySource[];
  readonly clock: Clock;
  readonly log: Logger;
  /** Only read (the CLI, while the app may be running): never move or write a file. */
  readonly readOnly?: boolean;
}

const EMPTY_LAYER: ValidatedLayer = { values: {}, problems: [], raw: {} };

interface ComposedPolicy {
  readonly values: Partial<SettingsValues>;
  readonly problems: SettingsProblem[];
  readonly sources: PolicySourceState[];
}

const NO_POLICY: ComposedPolicy = { values: {}, problems: [], sources: [] };

/**
 * The machine policy from all its sources: the highest one that sets a key validly wins. A
 * security-relevant key that some source set, but none validly, is fixed at its safe value: a
 * mistyped retention period must never mean "keep forever", nor leave the choice to the user.
 */
export function composePolicy(
  readings: readonly { source: PolicySource; layer: ValidatedLayer; state: PolicySourceState['state'] }[],
): ComposedPolicy {
  const values: Partial<SettingsValues> = {};
  for (const { layer } of [...readings].reverse()) Object.assign(values, layer.values);
  const problems = readings.flatMap(({ layer }) => layer.problems);
  const invalid = new Map<SettingKey, PolicySource>();
  for (const { source, layer } of readings)
    for (const key of layer.invalidKeys ?? []) if (!invalid.has(key)) invalid.set(key, source);
  for (const [key, source] of invalid) {
    if (Object.hasOwn(values, key)) continue;
    const definition = SETTINGS[key] as SettingDefinition;
    if (!Object.hasOwn(definition, 'policyFallback')) continue;
    Object.assign(values, { [key]: structuredClone(definition.policyFallback) });
    problems.push({
      source: source.kind,
      file: source.location,
      key,
      code: 'fallback_applied',
      message: `no valid value in any policy: fixed at the safe value ${JSON.stringify(definition.policyFallback)}, not left to the user`,
    });
  }
  const sources = readings.map(({ source, state }) => ({ kind: source.kind, location: source.location, state }));
  return { values, problems, sources };
}

/**
 * Effective settings = defaults ⊕ user ⊕ machine policy. Main is the only writer; every
 * window and tab sees the same snapshot through `settings.changed`.
 */
export class SettingsService {
  private user: ValidatedLayer = EMPTY_LAYER;
  private policy: ComposedPolicy = NO_POLICY;
  /** Each policy source's last reading that was not a failure. */
  private readonly lastGood = new Map<PolicySource, PolicyReading>();
  private current: SettingsSnapshot;
  private readonly listeners = new Emitter<[snapshot: SettingsSnapshot]>();
  private readonly options: SettingsServiceOptions;
  /** Reads and writes of the user's file, one at a time, each on the result of the last. */
  private readonly writing = new Sequencer();

  private constructor(options: SettingsServiceOptions) {
    this.options = options;
    this.current = this.compose();
  }

  static async open(options: SettingsServiceOptions): Promise<SettingsService> {
    const service = new SettingsService(options);
    await service.reload();
    return service;
  }

  /** Reads the user's file and every policy source again (at start, and when IT changes the policy). */
  reload(): Promise<void> {
    return this.writing.run(async () => {
      this.user = await this.readUserLayer();
      this.policy = await this.readPolicy();
      this.publish();
    });
  }

  snapshot(): SettingsSnapshot {
    return this.current;
  }

  /** The snapshot as a renderer may see it: policy-only secrets carry their default instead. */
  publicSnapshot(): SettingsSnapshot {
    return redact(this.current);
  }

  get<K extends SettingKey>(key: K): SettingValue<K> {
    return this.current.values[key] as SettingValue<K>;
  }

  isLocked(key: SettingKey): boolean {
    return Object.hasOwn(this.policy.values, key);
  }

  /** Re-reads when a policy source may have changed; returns the function that stops watching. */
  watchPolicy(pollMs: number): Unsubscribe {
    const stops = this.options.policy.map((source) =>
      source.watch(() => {
        this.options.log.info('policy changed: applying it', { source: source.kind });
        // A watcher has nobody to hand an error to: a settings file that cannot be read just now
        // (a virus scanner holding it) is logged, and the next change tries again.
        this.reload().catch((error: unknown) =>
          this.options.log.error('settings could not be read again', errorFields(error)),
        );
      }, pollMs),
    );
    return () => stops.forEach((stop) => stop());
  }

  async update(change: SettingChange): Promise<SettingsSnapshot> {
    // Updates run one after another, each on the result of the last, so none is lost on disk.
    return this.writing.run(() => this.applyUpdate(change));
  }

  private async applyUpdate(change: SettingChange): Promise<SettingsSnapshot> {
    if (this.options.readOnly) throw new AppError('unavailable', 'These settings were opened read-only.');
    if (POLICY_ONLY_SETTING_KEYS.includes(change.key))
      throw new AppError('forbidden', `${change.key} is set by your organisation’s policy only.`);
    if (STRICTER_ONLY_SETTING_KEYS.includes(change.key)) {
      // Stricter than the organisation's value (the policy's, else the default) is always allowed,
      // also where policy sets the key; looser never.
      const bound = this.organisationValue(change.key);
      if (!isAtLeastAsStrict(change.key, change.value, bound))
        throw new AppError(
          this.isLocked(change.key) ? 'locked_by_policy' : 'forbidden',
          `${change.key}: ${JSON.stringify(change.value)} is less strict than your organisation’s ${JSON.stringify(bound)}; only a stricter value can be chosen here.`,
        );
    } else if (this.isLocked(change.key)) {
      throw new AppError(
        'locked_by_policy',
        `${change.key} is managed by your organisation and cannot be changed here.`,
      );
    }
    const raw = { ...this.user.raw, [change.key]: change.value };
    await writeFileAtomic(this.options.userFile, `${JSON.stringify(raw, null, 2)}\n`);
    const others = this.user.problems.filter((problem) => problem.key !== change.key);
    this.user = { raw, values: { ...this.user.values, [change.key]: change.value }, problems: others };
    this.publish();
    return this.current;
  }

  /** Calls `react` with what `read` derives from the settings whenever a change changes it. */
  follow<T>(read: () => T, react: (value: T) => void): Unsubscribe {
    let last = JSON.stringify(read());
    return this.onChange(() => {
      const now = read();
      const text = JSON.stringify(now);
      if (text === last) return;
      last = text;
      react(now);
    });
  }

  onChange(listener: (snapshot: SettingsSnapshot) => void): Unsubscribe {
    return this.listeners.on(listener);
  }

  private publish(): void {
    this.current = this.compose();
    this.listeners.emit(this.current);
  }

  /** What the organisation set for a key: the policy's value, else the default. */
  private organisationValue<K extends SettingKey>(key: K): SettingValue<K> {
    const policy = this.policy.values[key];
    return (policy !== undefined ? policy : defaultSettings()[key]) as SettingValue<K>;
  }

  private compose(): SettingsSnapshot {
    const user: Partial<SettingsValues> = { ...this.user.values };
    // A policy-only key in the user's own file is not the organisation's: ignored.
    for (const key of POLICY_ONLY_SETTING_KEYS) delete user[key];
    const values: SettingsValues = { ...defaultSettings(), ...user, ...this.policy.values };
    // A stricter-only key: the stricter of the user's value (if any) and the organisation's. A
    // settings file edited by hand (retention.days: 3650) cannot loosen it either.
    for (const key of STRICTER_ONLY_SETTING_KEYS) {
      const own = user[key];
      const bound = this.organisationValue(key);
      Object.assign(values, { [key]: own === undefined ? bound : stricterOf(key, own as never, bound as never) });
    }
    const locked = SETTING_KEYS.filter((key) => Object.hasOwn(this.policy.values, key));
    const problems: SettingsProblem[] = [...this.policy.problems, ...this.user.problems];
    return { values, locked, problems, policySources: this.policy.sources };
  }

  private async readUserLayer(): Promise<ValidatedLayer> {
    const file = this.options.userFile;
    const text = await readTextIfExists(file);
    if (text === null) return EMPTY_LAYER;
    const layer = validateLayer(text, 'user', file);
    const unreadable = layer.problems.find((problem) => problem.key === null);
    if (unreadable && !this.options.readOnly) {
      // Keep the damaged file for the user or IT to look at, and start from defaults.
      const keptAs = await preserveUnreadable(file, this.options.clock.now());
      this.options.log.warn('user settings unreadable; kept aside', { file: keptAs });
      return { ...layer, problems: [{ ...unreadable, message: `${unreadable.message}; kept as ${keptAs}` }] };
    }
    return layer;
  }

  private async readPolicy(): Promise<ComposedPolicy> {
    const readings = await Promise.all(
      this.options.policy.map(async (source) => {
        try {
          const reading = await source.read();
          if (reading.state !== 'failed') {
            this.lastGood.set(source, reading);
            return { source, ...reading };
          }
          // A source that was read before and fails now (reg.exe timed out, the file is held by a
          // virus scanner) keeps its last reading in force: locks must not open for a moment.
          const previous = this.lastGood.get(source);
          if (previous === undefined) return { source, ...reading };
          const problems = reading.layer.problems.map((problem) => ({
            ...problem,
            message: `${problem.message}; the last reading stays in force`,
          }));
          return {
            source,
            state: previous.state,
            layer: { ...previous.layer, problems: [...problems, ...previous.layer.problems] },
          };
        } catch (error) {
          // A source that breaks in a way nobody foresaw still must not stop the console.
          const message = `cannot be read (${error instanceof Error ? error.message : 'unknown error'})`;
          const problem: SettingsProblem = {
            source: source.kind,
            file: source.location,
            key: null,
            code: 'unreadable',
            message,
          };
          return { source, state: 'failed' as const, layer: { ...EMPTY_LAYER, problems: [problem] } };
        }
      }),
    );
    const composed = composePolicy(readings);
    for (const problem of composed.problems)
      this.options.log.warn('policy problem', { source: problem.source, key: problem.key, code: problem.code });
    return composed;
  }
}

/** True when the policy file exists; the hosts refuse a --policy flag that names nothing. */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await fs.access(path);
    return true;
  } catch {
    return false;
  }
}

/** A snapshot without the values of policy-only secrets (their defaults in their place). */
export function redact(snapshot: SettingsSnapshot): SettingsSnapshot {
  if (SECRET_SETTING_KEYS.length === 0) return snapshot;
  const values = { ...snapshot.values };
  const defaults = defaultSettings();
  for (const key of SECRET_SETTING_KEYS) Object.assign(values, { [key]: defaults[key] });
  return { ...snapshot, values };
}
