import { inject } from 'vitest';
import type { IsolatedEnvironmentInfo } from './isolated-environment.ts';

/** The key under which `global-setup.ts` provides the run's environment to every test file. */
export const TEST_ENVIRONMENT_KEY = 'egpTestEnvironment';

declare module 'vitest' {
  export interface ProvidedContext {
    egpTestEnvironment: IsolatedEnvironmentInfo;
  }
}

/**
 * The isolated environment of this test run (one database, Redis prefix and stream per run,
 * shared by all test files). Files that must not see each other's data isolate further on
 * their own: a schema, tenant or stream of their own.
 */
export function testEnvironment(): IsolatedEnvironmentInfo {
  const environment = inject(TEST_ENVIRONMENT_KEY);
  if (!environment) {
    throw new Error("No test environment: add globalSetup: ['libs/testing/global-setup.ts'] to vitest.config.ts.");
  }
  return environment;
}
