import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// The integration and end-to-end tests run the built hosts (out/), exactly as `npm run serve` does.
// @ts-expect-error scripts/run.mjs is plain JavaScript without declarations
import { ensureBuilt } from '../../scripts/run.mjs';

/**
 * Before any test: the hosts are built, and the run gets a state folder of its own (where the
 * hosts keep their secrets without a keystore) and no session bus, so that no test writes into
 * the home folder or the keystore of whoever runs them. The keystore tests start a Secret Service
 * of their own. Test workers and the processes they start inherit this environment.
 */
export default function setup(): () => void {
  (ensureBuilt as (options: { quiet: boolean }) => void)({ quiet: false });
  const state = mkdtempSync(join(tmpdir(), 'hotline-desk-state-'));
  process.env.XDG_STATE_HOME = state;
  delete process.env.DBUS_SESSION_BUS_ADDRESS;
  return () => rmSync(state, { recursive: true, force: true });
}
