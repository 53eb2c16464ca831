import { promises as fs } from 'node:fs';
import type { SettingsProblem, SettingsSnapshot } from '../../shared/contract/settings';
import { AppError } from '../../shared/result';
import {
  defaultSettings,
  POLICY_ONLY_SETTING_KEYS,
  SECRET_SETTING_KEYS,
  SETTING_KEYS,
  type SettingChange,
  type SettingKey,
  type SettingsValues,
  type SettingValue,
} from '../../shared/settings';
import { preserveUnreadable, readTextIfExists, writeFileAtomic } from '../core/files';
import type { Logger } from '../core/log';
import type { Clock, Unsubscribe } from '../ports';
import { validateLayer, type ValidatedLayer } from './validate';

export interface SettingsServiceOptions {
  /** The user's own settings, written by this service. */
  readonly userFile: string;
  /** A machine policy file; its keys win and are locked. Null for none. */
  readonly policyFile: string | null;
  readonly clock: Clock;
  readonly log: Logger;
  /** Only read (the CLI, while the app may be running): never move or write a file. */
  readonly readOnly?: boolean;
}

const EMPTY_LAYER: ValidatedLayer = { values: {}, problems: [], raw: {} };

/**
 * Effective settings = defaults ⊕ user ⊕ machine policy. Main is the only writer; every
 * window and tab sees the same snapshot through `settings.changed`.
 */
export class SettingsService {
  private user: ValidatedLayer = EMPTY_LAYER;
  private policy: ValidatedLayer = EMPTY_LAYER;
  private current: SettingsSnapshot;
  private readonly listeners = new Set<(snapshot: SettingsSnapshot) => void>();
  private readonly options: SettingsServiceOptions;
  private writing: Promise<void> = Promise.resolve();

  private constructor(options: SettingsServiceOptions) {
    this.options = options;
    this.current = this.compose();
  }

  static async open(options: SettingsServiceOptions): Promise<SettingsService> {
    const service = new SettingsService(options);
    await service.reload();
    return service;
  }

  /** Reads both files again (at start, and when IT changes the policy), after any pending update. */
  reload(): Promise<void> {
    const run = this.writing.then(async () => {
      this.user = await this.readUserLayer();
      this.policy = await this.readPolicyLayer();
      this.publish();
    });
    this.writing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
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

  async update(change: SettingChange): Promise<SettingsSnapshot> {
    // Updates run one after another, each on the result of the last, so none is lost on disk.
    const run = this.writing.then(() => this.applyUpdate(change));
    this.writing = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async applyUpdate(change: SettingChange): Promise<SettingsSnapshot> {
    if (this.options.readOnly) throw new AppError('unavailable', 'These settings were opened read-only.');
    if (POLICY_ONLY_SETTING_KEYS.includes(change.key))
      throw new AppError('forbidden', `${change.key} is set by your organisation’s policy only.`);
    if (this.isLocked(change.key)) {
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

  onChange(listener: (snapshot: SettingsSnapshot) => void): Unsubscribe {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private publish(): void {
    this.current = this.compose();
    for (const listener of [...this.listeners]) listener(this.current);
  }

  private compose(): SettingsSnapshot {
    const user: Partial<SettingsValues> = { ...this.user.values };
    // A policy-only key in the user's own file is not the organisation's: ignored.
    for (const key of POLICY_ONLY_SETTING_KEYS) delete user[key];
    const values: SettingsValues = { ...defaultSettings(), ...user, ...this.policy.values };
    const locked = SETTING_KEYS.filter((key) => Object.hasOwn(this.policy.values, key));
    const problems: SettingsProblem[] = [...this.policy.problems, ...this.user.problems];
    return { values, locked, problems };
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

  private async readPolicyLayer(): Promise<ValidatedLayer> {
    const file = this.options.policyFile;
    if (file === null) return EMPTY_LAYER;
    let text: string | null;
    try {
      text = await readTextIfExists(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unknown error';
      return {
        ...EMPTY_LAYER,
        problems: [{ source: 'policy', file, key: null, code: 'unreadable', message: `cannot be read (${code})` }],
      };
    }
    if (text === null) return EMPTY_LAYER;
    const layer = validateLayer(text, 'policy', file);
    for (const problem of layer.problems) {
      this.options.log.warn('policy problem', { key: problem.key, file });
    }
    return layer;
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
