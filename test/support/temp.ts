import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach } from 'vitest';

const created: string[] = [];
const forSuite: string[] = [];

/** A fresh directory under the system temp folder, removed after the test. */
export async function tempDir(prefix = 'hotline-desk-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** A fresh directory kept for every test of the file (made in beforeAll), removed after them all. */
export async function suiteTempDir(prefix = 'hotline-desk-test-'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  forSuite.push(dir);
  return dir;
}

afterEach(async () => {
  for (const dir of created.splice(0)) await rm(dir, { recursive: true, force: true });
});

afterAll(async () => {
  for (const dir of forSuite.splice(0)) await rm(dir, { recursive: true, force: true });
});
