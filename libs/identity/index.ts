export { ASSERTION_METADATA_KEY, AssertionSigner } from './assertion.ts';
export type { ApiKeyPrincipal, Principal, PrincipalKind, UserPrincipal } from './principal.ts';
