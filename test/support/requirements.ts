import { accessSync, constants } from 'node:fs';

const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

export interface Requirement {
  /** Skip the tests that need it: only outside CI, and only when it is missing. */
  readonly skip: boolean;
  /** Call in beforeAll: under CI=true a missing requirement fails the tests instead of skipping them. */
  assert(): void;
}

/**
 * Tests that need a Debian package, root or a network namespace: under CI=true they fail when it
 * is missing; elsewhere they skip and say why.
 */
export function requirement(what: string, available: boolean, howToGet: string): Requirement {
  if (!available && !IN_CI) console.warn(`Skipping tests that need ${what}: missing. ${howToGet}`);
  return {
    skip: !available && !IN_CI,
    assert() {
      if (!available) throw new Error(`${what} is required but missing. ${howToGet}`);
    },
  };
}

export function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export const CHROMIUM_PATH = '/usr/bin/chromium';

export const chromium = requirement(
  `Chromium (${CHROMIUM_PATH})`,
  executable(CHROMIUM_PATH),
  'Install the Debian package: apt-get install chromium (.ci/run does this).',
);
