import type { FormDefinition } from '../../shared/intake/form';
import { AppError } from '../../shared/result';
import type { SettingKey, SettingValue } from '../../shared/settings';
import type { CallLog } from '../calllog/call-log';
import type { Clock } from '../core/clock';
import type { FeatureHandlers } from '../core/handlers';
import { subjectExport } from './subject-export';
import { isTeamLead } from './team-lead';

export interface PrivacyServiceOptions {
  readonly settings: { get<K extends SettingKey>(key: K): SettingValue<K> };
  readonly callLog: Pick<CallLog, 'findSubject' | 'exportSubject' | 'eraseSubject'>;
  /** The intake form in force (the export names its fields). */
  readonly form: () => FormDefinition;
  readonly clock: Clock;
}

/**
 * Data-subject requests (GDPR Art. 15 and 17) and who may answer them: a team lead, as the
 * organisation's policy says (privacy.teamLeads, else privacy.role). Finding, exporting and
 * erasing are the call log's (each step audited there); this decides who may ask.
 */
export class PrivacyService {
  private readonly options: PrivacyServiceOptions;

  constructor(options: PrivacyServiceOptions) {
    this.options = options;
  }

  isTeamLead(): Promise<boolean> {
    const { settings } = this.options;
    return isTeamLead({ teamLeads: settings.get('privacy.teamLeads'), role: settings.get('privacy.role') });
  }

  private async requireTeamLead(): Promise<void> {
    if (!(await this.isTeamLead()))
      throw new AppError(
        'forbidden',
        'Only a team lead answers data-subject requests (set by your organisation’s policy: privacy.teamLeads or privacy.role).',
      );
  }

  handlers(): FeatureHandlers<'privacy.access' | 'privacy.find' | 'privacy.export' | 'privacy.erase'> {
    const { callLog, form, clock } = this.options;
    return {
      'privacy.access': async () => ({ teamLead: await this.isTeamLead() }),
      'privacy.find': async (query) => {
        await this.requireTeamLead();
        return callLog.findSubject(query);
      },
      'privacy.export': async ({ callIds }) => {
        await this.requireTeamLead();
        const records = await callLog.exportSubject(callIds);
        return subjectExport(records, form(), new Date(clock.now()));
      },
      'privacy.erase': async ({ callIds }) => {
        await this.requireTeamLead();
        return { erased: await callLog.eraseSubject(callIds) };
      },
    };
  }
}
