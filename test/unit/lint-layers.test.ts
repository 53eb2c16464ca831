import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';
import { importCycles, importGraph } from '../support/import-graph';

const eslint = new ESLint();

async function violations(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? [])
    .filter((message) => message.ruleId?.includes('no-restricted-imports'))
    .map((message) => message.message);
}

describe('layer rules, enforced by lint', () => {
  it('src/shared imports nothing from main or renderer, and no Node', async () => {
    expect(
      await violations('src/shared/x.ts', "import { createApp } from '../main/app';\nexport const a = createApp;\n"),
    ).toHaveLength(1);
    expect(
      await violations(
        'src/shared/x.ts',
        "import { Shell } from '../renderer/src/app/Shell';\nexport const a = Shell;\n",
      ),
    ).toHaveLength(1);
    expect(
      await violations('src/shared/x.ts', "import { readFile } from 'node:fs';\nexport const a = readFile;\n"),
    ).toHaveLength(1);
    expect(await violations('src/shared/x.ts', "import { z } from 'zod';\nexport const a = z;\n")).toEqual([]);
  });

  it('the renderer never imports main, Node or Electron', async () => {
    const file = 'src/renderer/src/features/x.ts';
    expect(
      await violations(file, "import { createApp } from '../../../main/app';\nexport const a = createApp;\n"),
    ).toHaveLength(1);
    expect(
      await violations(file, "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n"),
    ).toHaveLength(1);
    expect(
      await violations(file, "import { requests } from '../../../shared/contract';\nexport const a = requests;\n"),
    ).toEqual([]);
  });

  it('only src/main/host/electron* and src/preload import electron; elsewhere import type at most', async () => {
    const value = "import { app } from 'electron';\nexport const a = app;\n";
    const typeOnly = "import type { App } from 'electron';\nexport type A = App;\n";
    expect(await violations('src/main/app2.ts', value)).toHaveLength(1);
    expect(await violations('src/main/host/browser/x.ts', value)).toHaveLength(1);
    expect(
      await violations('src/main/app2.ts', "import { app } from 'electron/main';\nexport const a = app;\n"),
    ).toHaveLength(1);
    expect(await violations('src/main/app2.ts', typeOnly)).toEqual([]);
    expect(await violations('src/main/host/electron-x.ts', value)).toEqual([]);
    expect(await violations('src/preload/x.ts', value)).toEqual([]);
    expect(
      await violations('src/preload/x.ts', "import { readFile } from 'node:fs';\nexport const a = readFile;\n"),
    ).toHaveLength(1);
  });
});

describe('layers inside main, enforced by lint', () => {
  it('a feature never imports app.ts, ports.ts or a host, not even a type', async () => {
    const file = 'src/main/calllog/x.ts';
    for (const target of ['../app', '../ports', '../host/node-ports', '../app-types'])
      expect(await violations(file, `import type { A } from '${target}';\nexport type B = A;\n`), target).toHaveLength(
        1,
      );
    expect(
      await violations('src/main/settings/policy/x.ts', "import type { A } from '../../host/x';\nexport type B = A;\n"),
    ).toHaveLength(1);
    expect(await violations(file, "import type { Clock } from '../core/clock';\nexport type B = Clock;\n")).toEqual([]);
  });

  it('core/ imports no feature and no host', async () => {
    const file = 'src/main/core/x.ts';
    for (const target of ['../calllog/audit', '../telephony/call-state', '../host/node-ports', '../ports'])
      expect(await violations(file, `import type { A } from '${target}';\nexport type B = A;\n`), target).toHaveLength(
        1,
      );
    expect(
      await violations(file, "import type { Emitter } from '../../shared/emitter';\nexport type B = Emitter<[]>;\n"),
    ).toEqual([]);
  });

  it('app.ts and the hosts may wire everything', async () => {
    expect(
      await violations('src/main/app.ts', "import type { Ports } from './ports';\nexport type B = Ports;\n"),
    ).toEqual([]);
    expect(
      await violations('src/main/host/x.ts', "import type { App } from '../app';\nexport type B = App;\n"),
    ).toEqual([]);
  });
});

describe('the import graph of src', () => {
  it('has no cycle, type-only imports included', () => {
    expect(importCycles(importGraph('src'))).toEqual([]);
  });

  it('the cycle check is real: it finds a cycle through a type-only import', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(importCycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  it('only app.ts and the hosts import ports.ts in main', () => {
    const importers = [...importGraph('src')]
      .filter(([, targets]) => targets.includes('src/main/ports.ts'))
      .map(([file]) => file)
      .filter(
        (file) => !['src/main/app.ts', 'src/main/app-types.ts'].includes(file) && !file.startsWith('src/main/host/'),
      );
    expect(importers).toEqual([]);
  });
});
