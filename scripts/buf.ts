import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Runs the buf CLI from its per-platform npm package. We depend on those packages directly
 * rather than on `@bufbuild/buf`: that wrapper lists every platform's binary, and a registry
 * that lacks some of them (as the one this project is built against does) leaves a lock file
 * `npm ci` refuses. Elsewhere a `buf` on PATH is used.
 */
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');
const platformPackages: Record<string, string> = {
  'linux x64': '@bufbuild/buf-linux-x64',
  'linux arm64': '@bufbuild/buf-linux-aarch64',
};

export function bufBinary(): string {
  const packageName = platformPackages[`${process.platform} ${process.arch}`];
  const bundled = packageName === undefined ? undefined : join(repoRoot, 'node_modules', packageName, 'bin', 'buf');
  return bundled !== undefined && existsSync(bundled) ? bundled : 'buf';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = spawnSync(bufBinary(), process.argv.slice(2), { cwd: repoRoot, stdio: 'inherit' });
  if (result.error) {
    console.error(`buf could not be started (${result.error.message}); install it from https://buf.build/docs/installation`);
    process.exit(1);
  }
  process.exit(result.status ?? 1);
}
