import type { SettingsProblem } from '../../../shared/contract/settings';
import type { Unsubscribe } from '../../core/disposables';
import type { ValidatedLayer } from '../validate';

/*
 * A machine policy source as the settings service sees it (the port): a policy file, a registry
 * key, a configuration profile. The readers are in sources.ts.
 */

/** Where a policy came from (its problems say so; Settings shows it to administrators). */
export type PolicySourceKind = SettingsProblem['source'] & ('policy' | 'registry' | 'profile');

export interface PolicyReading {
  /** Absent: this source sets nothing (no file, no registry key). */
  readonly state: 'absent' | 'read' | 'failed';
  readonly layer: ValidatedLayer;
}

export interface PolicySource {
  readonly kind: PolicySourceKind;
  /** The file path or registry key, for messages. */
  readonly location: string;
  read(): Promise<PolicyReading>;
  /** Calls `changed` when the source may have changed (IT edits a file, Group Policy refreshes). */
  watch(changed: () => void, pollMs: number): Unsubscribe;
}
