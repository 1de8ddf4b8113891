import { setTimeout as delay } from 'node:timers/promises';
import type { IRouter } from 'express';
import type { Registry } from 'prom-client';
import { AppError } from '#libs/errors';
import type { Logger } from '#libs/logging';
import type { DependencyProbe } from '../clients/types.ts';
import { sendProblem } from '../middleware/error-handler.ts';
import type { RouteShape } from '../middleware/route-table.ts';
import { toProblem } from '../middleware/problem.ts';
import { OPS_PATHS } from './paths.ts';

const PROBE_TIMEOUT_MS = 2_000;

export interface OpsDeps {
  probes: DependencyProbe[];
  metrics: Registry;
  logger: Logger;
  /** True once shutdown began: readiness fails so load balancers drain this instance. */
  isDraining: () => boolean;
}

async function downDependencies(probes: DependencyProbe[]): Promise<string[]> {
  const results = await Promise.all(
    probes.map(async (probe) => {
      const timeout = delay(PROBE_TIMEOUT_MS, 'timeout', { ref: false });
      const outcome = await Promise.race([probe.check().then(() => 'up', () => 'down'), timeout]);
      return outcome === 'up' ? undefined : probe.name;
    }),
  );
  return results.filter((name) => name !== undefined);
}

/** These paths answer GET only; other methods get 405 (see method-not-allowed.ts). */
export const opsRouteShapes: RouteShape[] = Object.values(OPS_PATHS).map((path) => ({ method: 'get', path }));

/**
 * Liveness (the process), readiness (Redis and every service) and Prometheus metrics,
 * registered on the app itself: a sub-router would be entered by every API request and
 * leave it through a setImmediate hop (and its allocations) on the hot path.
 */
export function opsRoutes(router: IRouter, { probes, metrics, logger, isDraining }: OpsDeps): void {
  router.get(OPS_PATHS.health, (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get(OPS_PATHS.ready, async (req, res) => {
    const down = isDraining() ? ['gateway (shutting down)'] : await downDependencies(probes);
    if (down.length === 0) {
      res.json({ status: 'ready' });
      return;
    }
    logger.warn({ down }, 'not ready');
    const fields = down.map((name) => ({ field: name, message: 'Not reachable or not serving.' }));
    const error = new AppError('UNAVAILABLE', `Not ready: ${down.join(', ')}.`, { fields });
    sendProblem(res, toProblem(error, req.requestId));
  });

  router.get(OPS_PATHS.metrics, async (_req, res) => {
    res.type(metrics.contentType).send(await metrics.metrics());
  });
}
