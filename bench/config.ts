import { z } from 'zod';
import { envFields, loadConfig } from '#libs/config';

/** The bench drops and recreates its database, so it only ever touches one named like this. */
export const BENCH_DATABASE_PREFIX = 'egp_bench';

const benchEnv = z.object({
  /** Recreated at the start of a run and dropped at the end. */
  BENCH_DATABASE_URL: envFields.databaseUrl
    .default(`postgres://postgres@127.0.0.1:5432/${BENCH_DATABASE_PREFIX}`)
    .refine(
      (url) => decodeURIComponent(new URL(url).pathname.slice(1)).startsWith(BENCH_DATABASE_PREFIX),
      `the database name must start with ${BENCH_DATABASE_PREFIX}: the bench drops it`,
    ),
  BENCH_REDIS_URL: envFields.redisUrl.default('redis://127.0.0.1:6379'),
  BENCH_NATS_URL: envFields.natsUrl.default('nats://127.0.0.1:4222'),
  /** When set, every child runs with --cpu-prof and writes its profile here on exit. */
  BENCH_CPU_PROFILE_DIR: z.string().min(1).optional(),
  /** Shortens every measured phase (0.2 = a fifth), for a quick smoke run of the bench itself. */
  BENCH_SCALE: z.coerce.number().positive().max(1).default(1),
});

export type BenchConfig = Readonly<z.infer<typeof benchEnv>>;

export function loadBenchConfig(env: Record<string, string | undefined> = process.env): BenchConfig {
  return loadConfig(benchEnv, env);
}

/** The environment the children inherit; the launcher layers the bench's overrides on top. */
export function inheritedEnvironment(): Record<string, string | undefined> {
  return { ...process.env };
}
