// Writes THIRD-PARTY-NOTICES.md: the license notices of the prebuilt keystore module the Node hosts
// load (@napi-rs/keyring and the Rust crates its binary is built from), taken from the packages
// npm installed. `npm run notices`; a test fails while the committed file is out of date.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The notices for the packages installed here (the binary package of this platform). */
export function thirdPartyNotices() {
  const main = dirname(require.resolve('@napi-rs/keyring/package.json'));
  const { version, license } = JSON.parse(readFileSync(join(main, 'package.json'), 'utf8'));
  const binaryName = `@napi-rs/keyring-${process.platform}-${process.arch}${process.platform === 'linux' ? '-gnu' : process.platform === 'win32' ? '-msvc' : ''}`;
  const binary = dirname(require.resolve(`${binaryName}/package.json`, { paths: [main] }));
  const binaryVersion = JSON.parse(readFileSync(join(binary, 'package.json'), 'utf8')).version;
  const crates = readFileSync(join(binary, 'LICENSE.third-party.md'), 'utf8')
    // Its own headings one level down, below ours.
    .replace(/^(#{1,5}) /gm, '#$1 ');
  return [
    '# Third-party notices',
    '',
    'Hotline Desk’s browser host and command line (the Node hosts) keep the call log’s key and the',
    'SIP password in the operating system’s keystore through **@napi-rs/keyring**, a prebuilt',
    'native module. The desktop app does not ship it (it uses Electron’s safeStorage). Its notices:',
    '',
    `## @napi-rs/keyring ${version} (${license})`,
    '',
    '```text',
    readFileSync(join(main, 'LICENSE'), 'utf8').trim(),
    '```',
    '',
    `## ${binaryName} ${binaryVersion}: the crates its binary is built from`,
    '',
    'Each platform’s binary package carries this list for its own build (`LICENSE.third-party.md`',
    'in the package npm installs); this is the one of the platform this file was generated on.',
    '',
    crates.trim(),
    '',
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync('THIRD-PARTY-NOTICES.md', thirdPartyNotices());
  process.stdout.write('wrote THIRD-PARTY-NOTICES.md\n');
}
