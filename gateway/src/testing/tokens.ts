import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTHeaderParameters, type JWTPayload } from 'jose';
import type { Jwk } from '#gen/egp/auth/v1/auth_service';

export const TEST_ISSUER = 'egp-accounts';
export const TEST_AUDIENCE = 'egp-api';

export interface TestSigningKey {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: Jwk;
}

/** A fresh Ed25519 key as the auth service would publish it. */
export async function createSigningKey(kid: string = randomUUID()): Promise<TestSigningKey> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = await exportJWK(publicKey);
  return {
    kid,
    privateKey,
    publicJwk: { kid, kty: jwk.kty ?? '', crv: jwk.crv ?? '', x: jwk.x ?? '', alg: 'EdDSA', use: 'sig' },
  };
}

export interface TokenOverrides {
  header?: Partial<JWTHeaderParameters>;
  claims?: JWTPayload;
  /** Seconds relative to now. */
  expiresIn?: number;
  issuedAgo?: number;
}

/** An access token shaped like the auth service's (`at+jwt`, sid, jti), with overrides. */
export async function signAccessToken(key: TestSigningKey, overrides: TokenOverrides = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const claims: JWTPayload = {
    iss: TEST_ISSUER,
    aud: TEST_AUDIENCE,
    sub: '0196b6c8-0000-7000-8000-000000000001',
    sid: 'session-1',
    jti: randomUUID(),
    iat: now - (overrides.issuedAgo ?? 0),
    exp: now + (overrides.expiresIn ?? 300),
    ...overrides.claims,
  };
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: key.kid, ...overrides.header })
    .sign(key.privateKey);
}

export const TEST_ORGANIZATION_ID = '0196b6c8-0000-7000-8000-0000000000aa';

/** A service token shaped like token exchange's (`svc+jwt`, org_id, role, amr, scope), with overrides. */
export async function signServiceToken(key: TestSigningKey, overrides: TokenOverrides = {}): Promise<string> {
  return signAccessToken(key, {
    ...overrides,
    header: { typ: 'svc+jwt', ...overrides.header },
    claims: { org_id: TEST_ORGANIZATION_ID, role: 'MEMBER', amr: ['pwd'], scope: 'members:read', ...overrides.claims },
  });
}
