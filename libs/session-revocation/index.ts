export { SessionRevocationList, revocationKeys, type RevocationStore, type RevokedMessage, type SessionRevocationView } from './revocation-list.ts';
export { RevocationMirror } from './revocation-mirror.ts';
export type { DirectRevocationCheck, MirrorRedis, MirrorSubscriber, RevocationMirrorOptions, RevocationMirrorStatus } from './mirror-contract.ts';
