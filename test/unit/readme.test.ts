import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** The README stays true: what it links to exists, and the commands it names are real. */
const ROOT = join(import.meta.dirname, '..', '..');
const DOCUMENTS = ['README.md', 'docs/architecture.md'];
const scripts = Object.keys(
  (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts,
);

describe('the documentation', () => {
  for (const document of DOCUMENTS) {
    const text = readFileSync(join(ROOT, document), 'utf8');

    it(`${document}: every relative link and picture points at a file that exists`, () => {
      const targets = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)]
        .map((match) => match[1]!)
        .filter((target) => !/^[a-z]+:/i.test(target));
      if (document === 'README.md') expect(targets).toContain('docs/screenshots/calls-connected.png');
      const missing = targets.filter((target) => !existsSync(join(ROOT, dirname(document), target)));
      expect(missing).toEqual([]);
    });

    it(`${document}: every "npm run" it names is a script in package.json`, () => {
      const named = [...text.matchAll(/npm run (?:-s )?([a-z][\w:-]*)/g)].map((match) => match[1]!);
      expect(named.filter((name) => !scripts.includes(name))).toEqual([]);
    });
  }
});
