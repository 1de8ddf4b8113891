/**
 * Garbage-collector settings for a request-serving process (`HEAP_FLAGS`, `HEAP_START_FLAGS`,
 * `BUFFER_POOL_SIZE`). Importing this module changes nothing: a process applies the settings
 * by importing `#libs/heap-tuning/apply` first; the launcher reads the start flags from here
 * without tuning its own heap.
 */
export { BUFFER_POOL_SIZE } from './buffer-pool.ts';
export { HEAP_FLAGS, HEAP_START_FLAGS } from './heap-flags.ts';
