import { fileURLToPath } from 'node:url';
import type { defaultGrpcAddresses } from '#libs/config';

/** The repository root: every entry point below is relative to it, and children run from it. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface Component {
  name: string;
  /** Entry file relative to the repository root, run as `node <entry>`. */
  entry: string;
  /** Arguments after the entry; the real components take none (tests' stand-ins do). */
  args?: readonly string[];
}

export interface ServiceComponent extends Component {
  /** The variable holding the host:port the service listens on and everyone else dials. */
  addressVariable: keyof typeof defaultGrpcAddresses;
}

/**
 * The five gRPC services in start order. They start one after another, not all at once:
 * each applies its migrations at start-up, and concurrent DDL against one Postgres
 * catalog can fail with duplicate-key errors on `CREATE ... IF NOT EXISTS`.
 */
export const services: readonly ServiceComponent[] = [
  { name: 'auth', entry: 'services/auth/src/main.ts', addressVariable: 'AUTH_GRPC_ADDR' },
  { name: 'org', entry: 'services/org/src/main.ts', addressVariable: 'ORG_GRPC_ADDR' },
  { name: 'app-key', entry: 'services/app-key/src/main.ts', addressVariable: 'APP_KEY_GRPC_ADDR' },
  { name: 'web3-sso', entry: 'services/web3-sso/src/main.ts', addressVariable: 'WEB3_SSO_GRPC_ADDR' },
  { name: 'profile-data', entry: 'services/profile-data/src/main.ts', addressVariable: 'PROFILE_DATA_GRPC_ADDR' },
];

export const gateway: Component = { name: 'gateway', entry: 'gateway/src/main.ts' };
