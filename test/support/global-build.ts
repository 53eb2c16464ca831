// The integration and end-to-end tests run the built hosts (out/), exactly as `npm run serve` does.
// @ts-expect-error scripts/run.mjs is plain JavaScript without declarations
import { ensureBuilt } from '../../scripts/run.mjs';

export default function setup(): void {
  (ensureBuilt as (options: { quiet: boolean }) => void)({ quiet: false });
}
