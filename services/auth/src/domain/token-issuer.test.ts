import { createLocalJWKSet, decodeJwt, exportJWK, jwtVerify, SignJWT } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signCompactJws } from './compact-jws.ts';
import { TokenIssuer } from './token-issuer.ts';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const kid = 'kid-1';
const settings = { issuer: 'egp-accounts', audience: 'egp-api', accessTokenTtlSeconds: 900 };
const iat = 1_795_000_000;
const jti = '0199c0de-0000-4000-8000-000000000001';
const sut = new TokenIssuer({ currentKey: () => ({ kid, privateKey }) }, settings, { nowSeconds: () => iat, newId: () => jti });

/** The same token as jose's SignJWT makes it, as the issuer did before it signed on node:crypto. */
function viaJose(typ: string, claims: Record<string, unknown>, audience: string | string[], ttlSeconds: number): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', typ, kid })
    .setIssuer(settings.issuer)
    .setAudience(audience)
    .setSubject('user-1')
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlSeconds)
    .sign(privateKey);
}

describe(TokenIssuer.name, () => {
  it('signs access tokens byte for byte as jose does', async () => {
    const token = sut.accessToken({ userId: 'user-1', sessionId: 'session-1' });
    expect(token).toBe(await viaJose('at+jwt', { sid: 'session-1' }, 'egp-api', 900));
  });

  it('signs service tokens byte for byte as jose does, with and without an app', async () => {
    const subject = { userId: 'user-1', sessionId: 'session-1', organizationId: 'org-1', role: 'ADMIN', amr: ['pwd'], scope: 'members:read' };
    const claims = { sid: 'session-1', org_id: 'org-1', role: 'ADMIN', amr: ['pwd'], scope: 'members:read' };
    expect(sut.serviceToken(subject, 300)).toBe(await viaJose('svc+jwt', claims, 'egp-api', 300));
    expect(sut.serviceToken({ ...subject, appId: 'app-1' }, 300)).toBe(await viaJose('svc+jwt', { ...claims, app_id: 'app-1' }, ['egp-api', 'app-1'], 300));
  });

  it('makes tokens that jose verifies with the pinned algorithm, type, issuer and audience', async () => {
    const issuer = new TokenIssuer({ currentKey: () => ({ kid, privateKey }) }, settings);
    const jwks = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'EdDSA' }] });
    const { payload, protectedHeader } = await jwtVerify(issuer.accessToken({ userId: 'user-1', sessionId: 'session-1' }), jwks, {
      algorithms: ['EdDSA'],
      issuer: settings.issuer,
      audience: settings.audience,
      typ: 'at+jwt',
    });
    expect(protectedHeader).toEqual({ alg: 'EdDSA', typ: 'at+jwt', kid });
    expect(Object.keys(payload)).toEqual(['sid', 'iss', 'aud', 'sub', 'jti', 'iat', 'exp']);
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(5);
  });

  it("never lets an access token outlive its session: the lifetime is cut to the session's end, one second at least", () => {
    const subject = { userId: 'user-1', sessionId: 'session-1' };
    const lifetime = (sessionEndsAtSeconds: number) => {
      const { token, expiresIn } = sut.accessTokenWithin(subject, new Date(sessionEndsAtSeconds * 1000));
      const { exp } = decodeJwt(token);
      expect(exp! - iat).toBe(expiresIn);
      return expiresIn;
    };
    expect(lifetime(iat + 86_400)).toBe(900);
    expect(lifetime(iat + 120.9)).toBe(120);
    expect(lifetime(iat + 0.4)).toBe(1);
  });

  it('gives every token its own id', () => {
    const issuer = new TokenIssuer({ currentKey: () => ({ kid, privateKey }) }, settings);
    const ids = new Set(Array.from({ length: 5 }, () => decodeJwt(issuer.accessToken({ userId: 'u', sessionId: 's' })).jti));
    expect(ids.size).toBe(5);
  });
});

describe(signCompactJws.name, () => {
  it('refuses a key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    expect(() => signCompactJws({ alg: 'EdDSA', typ: 'at+jwt', kid }, {}, rsa)).toThrow(TypeError);
  });
});
