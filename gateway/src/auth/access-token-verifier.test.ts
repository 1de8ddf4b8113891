import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '#libs/errors';
import {
  createSigningKey,
  signAccessToken,
  signServiceToken,
  TEST_AUDIENCE,
  TEST_ISSUER,
  TEST_ORGANIZATION_ID,
  type TestSigningKey,
} from '../testing/tokens.ts';
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

  const userId = '0196b6c8-0000-7000-8000-000000000001';

  it('accepts a well-formed access token and says whose it is', async () => {
    expect(await sut.verify(await signAccessToken(key))).toEqual({ type: 'access', userId, sessionId: 'session-1' });
  });

  it('accepts the media-type spelling of typ', async () => {
    expect(await sut.verify(await signAccessToken(key, { header: { typ: 'application/at+jwt' } }))).toMatchObject({ type: 'access' });
  });

  it('accepts a service token and returns its organization, sign-in methods and scopes', async () => {
    expect(await sut.verify(await signServiceToken(key))).toEqual({
      type: 'service',
      userId,
      sessionId: 'session-1',
      organizationId: TEST_ORGANIZATION_ID,
      amr: ['pwd'],
      scopes: ['members:read'],
    });
  });

  it('accepts a service token bound to an app (aud: [ours, app])', async () => {
    const token = await signServiceToken(key, { claims: { aud: [TEST_AUDIENCE, '0196b6c8-0000-7000-8000-0000000000bb'] } });
    expect(await sut.verify(token)).toMatchObject({ type: 'service' });
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
    ['iat in the future', async () => signAccessToken(key, { claims: { iat: Math.floor(Date.now() / 1000) + 3600 } })],
    ['a service token issued in the future', async () => signServiceToken(key, { claims: { iat: Math.floor(Date.now() / 1000) + 600 } })],
    ['a wrong audience', async () => signAccessToken(key, { claims: { aud: 'another-app' } })],
    ['a wrong issuer', async () => signAccessToken(key, { claims: { iss: 'https://evil.example' } })],
    ['typ JWT', async () => signAccessToken(key, { header: { typ: 'JWT' } })],
    ['typ refresh+jwt', async () => signAccessToken(key, { header: { typ: 'refresh+jwt' } })],
    ['an SSO-like typ', async () => signAccessToken(key, { header: { typ: 'sso+jwt' } })],
    ['no typ', async () => signAccessToken(key, { header: { typ: undefined } })],
    ['a missing sid', async () => signAccessToken(key, { claims: { sid: undefined } })],
    ['an access token for our audience and an app', async () => signAccessToken(key, { claims: { aud: [TEST_AUDIENCE, 'app'] } })],
    ['an access token whose first audience is an app', async () => signAccessToken(key, { claims: { aud: ['app', TEST_AUDIENCE] } })],
    ['a service token without org_id', async () => signServiceToken(key, { claims: { org_id: undefined } })],
    ['a service token with an empty org_id', async () => signServiceToken(key, { claims: { org_id: '' } })],
    ['a service token without amr', async () => signServiceToken(key, { claims: { amr: undefined } })],
    ['a service token for another audience', async () => signServiceToken(key, { claims: { aud: 'another-app' } })],
    ['an expired service token', async () => signServiceToken(key, { expiresIn: -60, issuedAgo: 600 })],
    ['an opaque refresh token', async () => `egp_rt_${Buffer.from('x'.repeat(32)).toString('base64url')}`],
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

  it('remembers a verified token without outliving its expiry', async () => {
    let now = Date.now();
    let fetches = 0;
    const keys = new JwksKeyStore(
      async () => {
        fetches += 1;
        return [key.publicJwk];
      },
      { ttlSeconds: 1, refetchCooldownSeconds: 0, now: () => now },
    );
    const cached = createAccessTokenVerifier(keys, { issuer: TEST_ISSUER, audience: TEST_AUDIENCE, clockToleranceSeconds: 0, now: () => now });
    const token = await signAccessToken(key, { expiresIn: 30 });
    await cached.verify(token);
    now += 5_000;
    // Past the key cache's TTL: a second full verification would have refetched the keys.
    await expect(cached.verify(token)).resolves.toMatchObject({ type: 'access' });
    expect(fetches).toBe(1);
    now += 30_000;
    await expect(cached.verify(token)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
