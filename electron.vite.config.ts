import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

/**
 * One build for every host: out/main holds the Electron entry, the browser host and the CLI
 * (they share chunks, none of which imports `electron` except the Electron entry's own);
 * out/preload the sandboxed preload (CommonJS, self-contained); out/renderer the UI.
 */
export default defineConfig({
  main: {
    build: {
      externalizeDeps: true,
      sourcemap: true,
      rollupOptions: {
        input: {
          'electron-main': resolve('src/main/host/electron-main.ts'),
          'browser-host': resolve('src/main/host/browser/serve.ts'),
          cli: resolve('src/main/host/cli/main.ts'),
          // A worker thread's script (src/main/reports/worker-host.ts finds it beside the entries).
          'reports-worker': resolve('src/main/reports/worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload cannot require packages: bundle zod and the contract into it.
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react()],
    build: {
      minify: true,
      rollupOptions: { input: resolve('src/renderer/index.html') },
    },
  },
});
