import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

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
