/**
 * The stall probe's process (see ../stall-probe.ts): does nothing but wake every few
 * milliseconds, and reports over IPC each time it woke much later than asked. It has no
 * work to queue behind, so a late wake-up means the machine did not run it: every core
 * busy with more urgent work, or the whole VM held up by its host.
 */
import { performance } from 'node:perf_hooks';

/** Arguments: how often to wake (ms), and from how long a gap between wake-ups to report it. */
const [TICK_MS, REPORT_GAP_MS] = process.argv.slice(2).map(Number) as [number, number];

let last = performance.now();
setInterval(() => {
  const now = performance.now();
  const gap = now - last;
  last = now;
  if (gap >= REPORT_GAP_MS) process.send?.({ at: performance.timeOrigin + now - gap, ms: gap });
}, TICK_MS);

process.send?.({ ready: true });
// The bench ended without stopping it (crash, kill): do not outlive it.
process.on('disconnect', () => process.exit(0));
