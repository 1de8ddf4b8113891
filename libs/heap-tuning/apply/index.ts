/**
 * Importing this module tunes V8's garbage collector for a request-serving process (see
 * `HEAP_FLAGS`). It must be the first import of a process's entry point: ES modules are
 * evaluated in import order, and what the collector learns while the other modules load is
 * exactly what the settings are about.
 */
import { applyHeapFlags } from '../heap-flags.ts';

applyHeapFlags(process.execArgv);
