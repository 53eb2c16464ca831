import type { CallSnapshot } from '../../shared/calls';
import type { Language, NotificationCallerDetails } from '../../shared/settings';
import type { Attention, Notifier } from './announcements';
import { incomingCallNotice } from './notices';

export interface CallAnnouncerOptions {
  readonly notifier: Notifier;
  readonly attention: Attention;
  readonly language: () => Language;
  /** What the notification may show of the caller (privacy.notificationCaller). */
  readonly callerDetails: () => NotificationCallerDetails;
  /** The calls not ended yet. */
  readonly calls: () => readonly CallSnapshot[];
}

/**
 * A call that rings asks for the agent's attention once: an OS notification (tagged with the
 * call, so that it can be taken back) and a flashing window. Once it stops ringing (answered,
 * rejected, gone) the notice is withdrawn, and the window stops flashing when nothing else rings.
 */
export class CallAnnouncer {
  private readonly announced = new Set<string>();
  private readonly options: CallAnnouncerOptions;

  constructor(options: CallAnnouncerOptions) {
    this.options = options;
  }

  callChanged(call: CallSnapshot): void {
    const { notifier, attention } = this.options;
    if (call.phase === 'ringing' && !this.announced.has(call.id)) {
      this.announced.add(call.id);
      const notice = incomingCallNotice(call.remote, this.options.language(), this.options.callerDetails());
      notifier.show({ ...notice, tag: `call:${call.id}` });
      attention.request();
    }
    if (call.phase !== 'ringing' && this.announced.delete(call.id)) {
      notifier.withdraw(`call:${call.id}`);
      if (!this.options.calls().some((each) => each.phase === 'ringing' && each.id !== call.id)) attention.cancel();
    }
  }
}
