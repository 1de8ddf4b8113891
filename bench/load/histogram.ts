/**
 * Latency histogram with log-linear buckets: exact to the microsecond below 100 µs, then
 * buckets 1 % wide, so memory stays fixed (~1,500 counters for up to a minute) however many
 * requests a run makes, and percentiles are within 1 %. Mergeable across load workers.
 */
const LINEAR_LIMIT_US = 100;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
const MAX_US = 120_000_000;
const BUCKETS = LINEAR_LIMIT_US + Math.ceil(Math.log(MAX_US / LINEAR_LIMIT_US) / LOG_GROWTH) + 1;

/** What crosses the worker boundary: plain data only. */
export interface HistogramData {
  counts: number[];
  count: number;
  maxUs: number;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

function bucketOf(us: number): number {
  if (us < LINEAR_LIMIT_US) return Math.max(0, Math.floor(us));
  const index = LINEAR_LIMIT_US + Math.floor(Math.log(us / LINEAR_LIMIT_US) / LOG_GROWTH);
  return Math.min(index, BUCKETS - 1);
}

/** The upper edge of a bucket: reported percentiles never flatter the system. */
function upperEdgeUs(bucket: number): number {
  if (bucket < LINEAR_LIMIT_US) return bucket + 1;
  return LINEAR_LIMIT_US * GROWTH ** (bucket - LINEAR_LIMIT_US + 1);
}

export class Histogram {
  readonly #counts = new Float64Array(BUCKETS);
  #count = 0;
  #maxUs = 0;

  static from(data: HistogramData): Histogram {
    const histogram = new Histogram();
    histogram.#counts.set(data.counts);
    histogram.#count = data.count;
    histogram.#maxUs = data.maxUs;
    return histogram;
  }

  get count(): number {
    return this.#count;
  }

  recordMs(milliseconds: number): void {
    const us = milliseconds * 1000;
    this.#counts[bucketOf(us)]! += 1;
    this.#count += 1;
    if (us > this.#maxUs) this.#maxUs = us;
  }

  merge(other: Histogram): this {
    const data = other.toData();
    data.counts.forEach((count, bucket) => (this.#counts[bucket]! += count));
    this.#count += data.count;
    this.#maxUs = Math.max(this.#maxUs, data.maxUs);
    return this;
  }

  /** The latency at or below which `quantile` (0..1) of the requests finished, in ms. */
  percentileMs(quantile: number): number {
    if (this.#count === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(quantile * this.#count));
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket += 1) {
      seen += this.#counts[bucket]!;
      if (seen >= rank) return Math.min(upperEdgeUs(bucket), this.#maxUs) / 1000;
    }
    return this.#maxUs / 1000;
  }

  summary(): LatencySummary {
    return {
      count: this.#count,
      p50Ms: this.percentileMs(0.5),
      p90Ms: this.percentileMs(0.9),
      p99Ms: this.percentileMs(0.99),
      maxMs: this.#maxUs / 1000,
    };
  }

  toData(): HistogramData {
    return { counts: Array.from(this.#counts), count: this.#count, maxUs: this.#maxUs };
  }
}
