import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    // The notebook test starts Jupyter kernels; the machine has 2 cores.
    maxWorkers: 2,
    // Every temporary file of the run in one folder, removed at its end.
    globalSetup: ['test/support/temp-folder.ts'],
  },
});
