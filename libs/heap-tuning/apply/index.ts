/**
 * Importing this module tunes V8's garbage collector for a request-serving process (see
 * `HEAP_FLAGS`) and switches off Node's Buffer pool (see `BUFFER_POOL_SIZE`). It must be the
 * first import of a process's entry point: ES modules are evaluated in import order, and what
 * the collector learns while the other modules load is exactly what the settings are about.
 */
import { disableBufferPool } from '../buffer-pool.ts';
import { applyHeapFlags } from '../heap-flags.ts';

applyHeapFlags(process.execArgv);
disableBufferPool();
