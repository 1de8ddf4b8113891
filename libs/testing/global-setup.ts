import type { TestProject } from 'vitest/node';
import { resolveInfrastructure } from './infrastructure.ts';
import { createIsolatedEnvironment } from './isolated-environment.ts';
import type {} from './provided.ts';
import { sweepStaleEnvironments } from './sweep.ts';

/**
 * Vitest global setup: resolves the infrastructure once per run, reaps leftovers of old
 * runs, creates this run's isolated environment, provides it to the tests (read it with
 * `testEnvironment()` from `#libs/testing`) and removes it, and any containers, afterwards.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const infrastructure = await resolveInfrastructure();
  await sweepStaleEnvironments(infrastructure).catch((error: unknown) => {
    console.warn('[egp tests] sweeping old test environments failed:', error);
  });
  const environment = await createIsolatedEnvironment(infrastructure);
  const { cleanup, ...info } = environment;
  project.provide('egpTestEnvironment', info);

  return async () => {
    try {
      await cleanup();
    } finally {
      await infrastructure.stop();
    }
  };
}
