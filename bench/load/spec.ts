import type { HistogramData } from './histogram.ts';

/** One request as sent, prepared once: the load loops only pick the next one. */
export interface RequestTemplate {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

interface CommonSpec {
  /** The gateway's port; the host is always 127.0.0.1. */
  port: number;
  /** Sent round-robin. */
  requests: RequestTemplate[];
  /** Traffic before the measured window, not recorded: connections open, caches fill. */
  warmupMs: number;
  durationMs: number;
}

/** C connections, each sending its next request as soon as the previous one answered. */
export interface ClosedLoopSpec extends CommonSpec {
  mode: 'closed';
  connections: number;
}

/**
 * Requests scheduled at a constant rate whatever the answers, latency counted from the
 * scheduled send time, so a stall shows in the numbers (no coordinated omission).
 */
export interface OpenLoopSpec extends CommonSpec {
  mode: 'open';
  ratePerSecond: number;
  /** Keep-alive connections the generator may open; beyond that requests queue (and wait). */
  maxConnections: number;
}

export type LoadSpec = ClosedLoopSpec | OpenLoopSpec;

export interface LoadResult {
  mode: LoadSpec['mode'];
  /** Length of the measured window. */
  windowMs: number;
  /** Requests answered 2xx within the window. */
  ok: number;
  /** Everything else within the window, by status code or error code. */
  failures: Record<string, number>;
  failed: number;
  okPerSecond: number;
  /** Latencies of the 2xx answers. */
  histogram: HistogramData;
  /** Open loop only: requests still unanswered when the drain timeout ran out. */
  unfinished: number;
}
