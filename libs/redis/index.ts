export { connectRedis, type Redis } from './connect.ts';
