import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs script without declarations
import { thirdPartyNotices } from '../../scripts/third-party-notices.mjs';

const require = createRequire(import.meta.url);
const linuxBinary = (() => {
  try {
    return existsSync(require.resolve('@napi-rs/keyring-linux-x64-gnu/package.json'));
  } catch {
    return false;
  }
})();

describe('third-party notices', () => {
  it.skipIf(!linuxBinary)(
    'THIRD-PARTY-NOTICES.md holds the keystore module’s license and every crate of its binary, as installed (npm run notices)',
    () => {
      const committed = readFileSync('THIRD-PARTY-NOTICES.md', 'utf8');
      expect(committed).toBe((thirdPartyNotices as () => string)());
      const crates = readFileSync(require.resolve('@napi-rs/keyring-linux-x64-gnu/LICENSE.third-party.md'), 'utf8');
      for (const line of crates.split('\n').filter((each) => /^\| [a-z0-9_-]+ \| \d/.test(each)))
        expect(committed).toContain(line);
      for (const license of ['MIT License', 'Apache License', 'BSD 3-Clause', 'ISC License'])
        expect(committed).toContain(license);
    },
  );

  it('the desktop installers leave the keystore module out (they keep secrets with safeStorage)', () => {
    expect(readFileSync('electron-builder.yml', 'utf8')).toContain("'!**/node_modules/@napi-rs/keyring*{,/**}'");
  });
});
