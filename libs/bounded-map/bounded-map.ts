/**
 * A Map that holds at most `capacity` entries: adding a new key to a full map first drops the
 * oldest one (insertion order). For the caches beside hot paths (verified tokens, verified
 * assertions, per-address principals), where a forgotten entry only costs the work again.
 */
export class BoundedMap<K, V> {
  readonly #entries = new Map<K, V>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    return this.#entries.get(key);
  }

  /** Stores the entry; with a capacity of 0 nothing is kept. */
  set(key: K, value: V): void {
    if (this.#capacity <= 0) return;
    if (!this.#entries.has(key) && this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, value);
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }
}
