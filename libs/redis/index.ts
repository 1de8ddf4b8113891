export { connectRedis, type Redis } from './connect.ts';
export { failClosed } from './unavailable.ts';
