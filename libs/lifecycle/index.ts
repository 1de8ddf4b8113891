export { stopOnSignals } from './signals.ts';
