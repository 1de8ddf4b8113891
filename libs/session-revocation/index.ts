export { SessionRevocationList, revocationKeys, type RevocationStore, type RevokedMessage, type SessionRevocationView } from './revocation-list.ts';
export {
  RevocationMirror,
  type DirectRevocationCheck,
  type MirrorRedis,
  type MirrorSubscriber,
  type RevocationMirrorOptions,
  type RevocationMirrorStatus,
} from './revocation-mirror.ts';
