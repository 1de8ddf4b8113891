/**
 * Node's Buffer pool, off. Small Buffers (`Buffer.from(string)`, `allocUnsafe` under half the
 * pool size: gRPC frames, protobuf, pg and Redis commands) are normally slices of a shared
 * slab (64 KiB in Node 24). One slice that outlives two young collections moves its whole
 * slab to the old generation, and slab memory counts as external memory, whose growth starts
 * full collections of its own: about 5 MB/s in the gateway at 2,600 reads/s, a full
 * collection every ~13 s once the growing factor (heap-flags.ts) no longer starts them.
 * Without the pool each small Buffer owns its few bytes and dies young. In paired harness
 * runs at 2,600 reads/s: no full collection in any 15 s window (one in each before), p99.9
 * 9–10 ms instead of 37–46.
 */
export const BUFFER_POOL_SIZE = 0;

/** Takes effect when the current slab is used up: a process sets it before anything else loads. */
export function disableBufferPool(): void {
  Buffer.poolSize = BUFFER_POOL_SIZE;
}
