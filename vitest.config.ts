import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    globalSetup: ['test/global-setup.ts'],
    // Stable frames in UI tests: no colour codes, whatever the terminal says.
    env: { FORCE_COLOR: '0' },
    testTimeout: 60_000,
  },
});
