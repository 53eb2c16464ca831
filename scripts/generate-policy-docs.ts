// Writes the admin documentation of the machine policy from src/shared/settings.ts:
// docs/policy.md and the Group Policy templates docs/admx/HotlineDesk.admx with its en-US and
// de-DE ADML files (see scripts/policy-docs/docs.ts).
//
//   npm run docs:policy
//
// Run it after adding or changing a setting, and commit the generated files with it: a unit test
// (test/unit/policy-docs.test.ts) fails until they are current.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { policyDocuments } from './policy-docs/docs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

for (const { path, content } of policyDocuments()) {
  const file = join(root, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  process.stdout.write(`wrote ${path}\n`);
}
