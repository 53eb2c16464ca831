import type { EventName, EventPayload } from '../../shared/contract';
import type { FormDefinition } from '../../shared/intake/form';
import { AppError } from '../../shared/result';
import type { WrapUpTracker } from '../agent/wrap-up-tracker';
import type { CallLog } from '../calllog/call-log';
import type { FeatureHandlers } from '../core/handlers';
import { DEFAULT_INTAKE_FORM } from './default-form';

export interface IntakeServiceOptions {
  /** The policy's form (intake.form), or null for the default public-health form. */
  readonly policyForm: () => FormDefinition | null;
  readonly callLog: Pick<CallLog, 'getIntake' | 'saveIntake' | 'unfinishedIntakes'>;
  readonly emit: <N extends EventName>(name: N, payload: EventPayload<N>) => void;
  readonly wrapUp: Pick<WrapUpTracker, 'intakeSubmitted'>;
  /** Whether the call is still up (an intake submitted meanwhile needs no after-call work). */
  readonly callUp: (callId: string) => boolean;
}

/**
 * The intake beside a call: which form is in force, drafts saved as the agent types, and the
 * submission (refused, naming each problem, while anything is not right yet; it ends after-call
 * work). The answers themselves are the call log's to check, split and store.
 */
export class IntakeService {
  private readonly options: IntakeServiceOptions;

  constructor(options: IntakeServiceOptions) {
    this.options = options;
  }

  /** The form in force: the policy's, or the default. */
  form(): { readonly form: FormDefinition; readonly source: 'default' | 'policy' } {
    const policyForm = this.options.policyForm();
    return policyForm === null
      ? { form: DEFAULT_INTAKE_FORM, source: 'default' }
      : { form: policyForm, source: 'policy' };
  }

  handlers(): FeatureHandlers<
    'intake.form' | 'intake.get' | 'intake.saveDraft' | 'intake.submit' | 'intake.unfinished'
  > {
    const { callLog, emit, wrapUp, callUp } = this.options;
    return {
      'intake.form': () => this.form(),
      'intake.get': ({ callId }) => callLog.getIntake(callId),
      'intake.saveDraft': async ({ callId, values }) => {
        const record = await callLog.saveIntake(callId, this.form().form, values, { submit: false });
        emit('intake.changed', { callId, state: record.state, problemCount: record.problems.length });
        return record;
      },
      'intake.submit': async ({ callId, values }) => {
        const record = await callLog.saveIntake(callId, this.form().form, values, { submit: true });
        emit('intake.changed', { callId, state: record.state, problemCount: record.problems.length });
        if (record.state !== 'submitted') {
          // Kept as a draft, flagged: the message names every field that is not right yet.
          const problems = record.problems.map((problem) => `${problem.field}: ${problem.message.en}`);
          throw new AppError('invalid_input', `The intake is kept as a draft: ${problems.join('; ')}`);
        }
        await wrapUp.intakeSubmitted(callId, callUp(callId));
        return record;
      },
      'intake.unfinished': () => callLog.unfinishedIntakes(),
    };
  }
}
