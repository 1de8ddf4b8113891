import { SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '#libs/errors';
import { createAccessTokenVerifier } from '../auth/access-token-verifier.ts';
import { JwksKeyStore } from '../auth/jwks-key-store.ts';
import { createSigningKey, signAccessToken, signServiceToken, TEST_AUDIENCE, TEST_ISSUER, type TestSigningKey } from '../testing/tokens.ts';
import { tokenRefusalOf, type TokenRefusal } from './token-refusal.ts';

const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
const userId = '0196b6c8-0000-7000-8000-000000000001';
/** Whose token it was: known only when auth's signature on it checked out. */
const ours = { userId, sessionId: 'session-1' };

describe(tokenRefusalOf.name, () => {
  let key: TestSigningKey;
  let verifier: ReturnType<typeof createAccessTokenVerifier>;

  beforeAll(async () => {
    key = await createSigningKey();
    const keys = new JwksKeyStore(async () => [key.publicJwk], { ttlSeconds: 300, refetchCooldownSeconds: 30 });
    verifier = createAccessTokenVerifier(keys, { issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
  });

  /** The refusal the gateway logs for what the real verifier made of `token`. */
  async function sut(token: string): Promise<TokenRefusal> {
    const error = await verifier.verify(token).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    return tokenRefusalOf((error as AppError).cause);
  }

  const cases: Array<[string, () => Promise<string>, TokenRefusal]> = [
    ['an expired token', () => signAccessToken(key, { expiresIn: -60, issuedAgo: 600 }), { reason: 'expired', ...ours }],
    ['an expired service token', () => signServiceToken(key, { expiresIn: -60, issuedAgo: 600 }), { reason: 'expired', ...ours }],
    ['nbf in the future', () => signAccessToken(key, { claims: { nbf: inAnHour() } }), { reason: 'not_yet_valid', ...ours }],
    ['iat in the future', () => signAccessToken(key, { claims: { iat: inAnHour() } }), { reason: 'not_yet_valid', ...ours }],
    ['a wrong audience', () => signAccessToken(key, { claims: { aud: 'another-app' } }), { reason: 'wrong_audience', ...ours }],
    ['an app as first audience', () => signAccessToken(key, { claims: { aud: ['app', TEST_AUDIENCE] } }), { reason: 'wrong_audience', ...ours }],
    ['a wrong issuer', () => signAccessToken(key, { claims: { iss: 'https://evil.example' } }), { reason: 'wrong_issuer', ...ours }],
    ['typ refresh+jwt', () => signAccessToken(key, { header: { typ: 'refresh+jwt' } }), { reason: 'wrong_type', ...ours }],
    ['no typ', () => signAccessToken(key, { header: { typ: undefined } }), { reason: 'wrong_type', ...ours }],
    ['a missing sid', () => signAccessToken(key, { claims: { sid: undefined } }), { reason: 'invalid_claims', userId, sessionId: undefined }],
    ['a service token without org_id', () => signServiceToken(key, { claims: { org_id: undefined } }), { reason: 'invalid_claims', ...ours }],
    ['an unknown kid', async () => signAccessToken(await createSigningKey('someone-else')), { reason: 'unknown_kid' }],
    ['no kid', () => signAccessToken(key, { header: { kid: undefined } }), { reason: 'unknown_kid' }],
    ['a foreign key behind our kid', async () => signAccessToken(await createSigningKey(key.kid)), { reason: 'bad_signature' }],
    [
      'a tampered payload',
      async () => {
        const [header, , signature] = (await signAccessToken(key)).split('.');
        return `${header}.${encode({ sub: 'admin', sid: 's', jti: 'j', iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: 9e9, iat: 1 })}.${signature}`;
      },
      { reason: 'bad_signature' },
    ],
    [
      'HS256',
      () =>
        new SignJWT({ sub: 'u', sid: 's', jti: 'j' })
          .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: key.kid })
          .setIssuer(TEST_ISSUER)
          .setAudience(TEST_AUDIENCE)
          .setIssuedAt()
          .setExpirationTime('5m')
          .sign(new TextEncoder().encode(key.publicJwk.x)),
      { reason: 'wrong_algorithm' },
    ],
    ['alg none', async () => `${encode({ alg: 'none', typ: 'at+jwt', kid: key.kid })}.${encode({ sub: 'u', sid: 's', exp: 9e9 })}.`, { reason: 'wrong_algorithm' }],
    ['garbage', async () => 'not-a-jwt', { reason: 'malformed' }],
    ['an oversized token', async () => 'a'.repeat(5000), { reason: 'malformed' }],
  ];

  it.each(cases)('names %s', async (_name, forge, expected) => {
    expect(await sut(await forge())).toEqual(expected);
  });

  it('never reads ids from a payload whose signature did not check out', async () => {
    const [header, , signature] = (await signAccessToken(key, { expiresIn: -60, issuedAgo: 600 })).split('.');
    const forged = `${header}.${encode({ sub: 'victim', sid: 'theirs', iss: TEST_ISSUER, aud: TEST_AUDIENCE, exp: 1, iat: 1 })}.${signature}`;
    expect(await sut(forged)).toEqual({ reason: 'bad_signature' });
  });
});
