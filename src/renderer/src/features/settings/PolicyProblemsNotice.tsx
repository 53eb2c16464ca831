import type { MouseEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { SettingsSnapshot } from '../../../../shared/contract/settings';

/** The id of the "Notes for IT" heading in Settings, which the notice's link brings into focus. */
export const POLICY_PROBLEMS_HEADING_ID = 'settings-problems-heading';

let focusRequested = false;

/**
 * True once after the notice's link was followed: Settings then moves focus to the notes for IT
 * as soon as it has loaded them (the shell has focused the view's heading by then).
 */
export function takeProblemsFocusRequest(): boolean {
  const requested = focusRequested;
  focusRequested = false;
  return requested;
}

/** True when a machine policy source (not the user's own settings file) has problems. */
export function hasPolicyProblems(snapshot: SettingsSnapshot | null): boolean {
  return snapshot?.problems.some((problem) => problem.source !== 'user') ?? false;
}

/**
 * A quiet notice at the top of the console when the organisation's policy has errors: the agent
 * learns that IT should look, and IT finds the details in Settings. A status, not an alert: it
 * never takes focus from the work at hand.
 */
export function PolicyProblemsNotice({ snapshot }: { snapshot: SettingsSnapshot | null }) {
  const { t } = useTranslation();
  const shown = hasPolicyProblems(snapshot);

  const open = (event: MouseEvent<HTMLAnchorElement>): void => {
    const heading = document.getElementById(POLICY_PROBLEMS_HEADING_ID);
    if (window.location.hash === '#/settings' && heading) {
      // Settings is open already: the link only moves to the notes.
      event.preventDefault();
      heading.focus();
      return;
    }
    focusRequested = true;
  };

  // The live region stays in the page, so that a notice appearing later is announced.
  return (
    <div role="status" className="policy-problems" data-testid="policy-problems-region">
      {shown && (
        <p className="notice notice-warning" data-testid="policy-problems-notice">
          {t('settings.policyNotice.text')}{' '}
          <a href="#/settings" onClick={open} data-testid="policy-problems-link">
            {t('settings.policyNotice.link')}
          </a>
        </p>
      )}
    </div>
  );
}
