/**
 * A one-shot readiness probe for containers, where no grpc_health_probe or curl is installed:
 *
 *     node scripts/healthcheck.ts grpc 127.0.0.1:50051          # standard gRPC health: SERVING?
 *     node scripts/healthcheck.ts http http://127.0.0.1:8080/readyz  # answers 200?
 *
 * Exits 0 when ready, 1 otherwise (docker-compose healthchecks).
 */
import { waitForGrpcServing, waitForHttpOk } from './launcher/readiness.ts';

const [kind, target] = process.argv.slice(2);
// A zero timeout makes the waits try exactly once.
const once = { timeoutMs: 0, signal: new AbortController().signal };

try {
  if (kind === 'grpc' && target) await waitForGrpcServing(target, once);
  else if (kind === 'http' && target) await waitForHttpOk(target, once);
  else throw new Error('usage: healthcheck.ts grpc <host:port> | http <url>');
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
