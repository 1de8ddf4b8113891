export { SessionRevocationList, type RevocationStore } from './revocation-list.ts';
