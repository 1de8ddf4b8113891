import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface HttpMetrics {
  registry: Registry;
  requestDuration: Histogram<'method' | 'route' | 'status'>;
}

/**
 * How often the event-loop lag is sampled. prom-client's 10 ms default wakes an idle gateway
 * 100 times a second just to take the sample: measured here, 138 wake-ups and 16.5 ms of CPU
 * per second with no traffic, against 65 and 11 ms at 50 ms. A stall longer than a sample
 * period is always seen, and Prometheus scrapes far less often than that.
 */
const EVENT_LOOP_SAMPLE_MS = 50;

/** A registry per app (not prom-client's global one), so tests can build many apps. */
export function createHttpMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by matched route, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  return { registry, requestDuration };
}
