import { defineConfig } from 'vitest/config';
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    // One isolated database, Redis prefix and NATS stream per run (see libs/testing).
    globalSetup: ['libs/testing/global-setup.ts'],
  },
});
