import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '#libs/errors';
import { createSigningKey, signAccessToken, TEST_AUDIENCE, TEST_ISSUER, type TestSigningKey } from '../testing/tokens.ts';
import { createAccessTokenVerifier, INVALID_TOKEN_MESSAGE } from './access-token-verifier.ts';
import { JwksKeyStore } from './jwks-key-store.ts';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe(createAccessTokenVerifier.name, () => {
  let key: TestSigningKey;
  let sut: ReturnType<typeof createAccessTokenVerifier>;

  beforeAll(async () => {
    key = await createSigningKey();
    // The fake auth client: our JWKS is the only source of keys.
    const keys = new JwksKeyStore(async () => [key.publicJwk], { ttlSeconds: 300, refetchCooldownSeconds: 30 });
    sut = createAccessTokenVerifier(keys, { issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
  });

  it('accepts a well-formed access token and returns its claims', async () => {
    const claims = await sut.verify(await signAccessToken(key));
    expect(claims).toMatchObject({ sub: '0196b6c8-0000-7000-8000-000000000001', sid: 'session-1' });
  });

  const attacks: Array<[string, () => Promise<string>]> = [
    ['alg none', async () => `${encode({ alg: 'none', typ: 'at+jwt', kid: key.kid })}.${encode({ sub: 'u', sid: 's', jti: 'j', iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: 9e9, iat: 1 })}.`],
    [
      'HS256 signed with the public key bytes',
      async () =>
        new SignJWT({ sid: 's', jti: 'j' })
          .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })
          .setSubject('u')
          .setIssuer(TEST_ISSUER)
          .setAudience(TEST_AUDIENCE)
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(key.publicJwk.x)),
    ],
    ['an unknown kid', async () => signAccessToken(await createSigningKey('someone-else'))],
    ['no kid', async () => signAccessToken(key, { header: { kid: undefined } })],
    [
      'a tampered payload',
      async () => {
        const [header, , signature] = (await signAccessToken(key)).split('.');
        return `${header}.${encode({ sub: 'admin', sid: 's', jti: 'j', iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: 9e9, iat: 1 })}.${signature}`;
      },
    ],
    ['an expired token', async () => signAccessToken(key, { expiresIn: -60, issuedAgo: 600 })],
    ['nbf in the future', async () => signAccessToken(key, { claims: { nbf: Math.floor(Date.now() / 1000) + 3600 } })],
    ['a wrong audience', async () => signAccessToken(key, { claims: { aud: 'another-app' } })],
    ['a wrong issuer', async () => signAccessToken(key, { claims: { iss: 'https://evil.example' } })],
    ['a refresh or service typ', async () => signAccessToken(key, { header: { typ: 'JWT' } })],
    ['a missing sid', async () => signAccessToken(key, { claims: { sid: undefined } })],
    [
      'a foreign key embedded as a jwk header',
      async () => {
        const attacker = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
        const jwk = await exportJWK(attacker.publicKey);
        const forged = await createSigningKey('attacker');
        return signAccessToken({ ...forged, privateKey: attacker.privateKey }, { header: { kid: undefined, jwk } });
      },
    ],
    [
      'a foreign key behind jku with our kid',
      async () => {
        const attacker = await createSigningKey(key.kid);
        return signAccessToken(attacker, { header: { jku: 'https://evil.example/jwks.json' } });
      },
    ],
    ['garbage', async () => 'not-a-jwt'],
    ['an oversized token', async () => 'a'.repeat(5000)],
  ];

  it.each(attacks)('rejects %s with one generic 401', async (_name, forge) => {
    const error = await sut.verify(await forge()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', message: INVALID_TOKEN_MESSAGE });
  });

  it('reports an unreachable auth service as unavailable, not as a bad token', async () => {
    const keys = new JwksKeyStore(() => Promise.reject(AppError.unavailable()), { ttlSeconds: 300, refetchCooldownSeconds: 30 });
    const offline = createAccessTokenVerifier(keys, { issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
    await expect(offline.verify(await signAccessToken(key))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
