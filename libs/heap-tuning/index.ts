/**
 * V8 garbage-collector settings for a request-serving process (see `HEAP_FLAGS` and
 * `HEAP_START_FLAGS`). Importing this module changes nothing: a process applies the
 * settings by importing `#libs/heap-tuning/apply` first; the launcher reads the start flags
 * from here without tuning its own heap.
 */
export { applyHeapFlags, flagsToApply, HEAP_FLAGS, HEAP_START_FLAGS } from './heap-flags.ts';
