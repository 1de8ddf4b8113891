import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import pg from 'pg';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SessionRevocationList } from '#libs/session-revocation';
import type { AuthHarness } from '../support/auth-harness.ts';
import { startAuthWithOrg, type AuthWithOrg } from '../support/auth-with-org.ts';
import { uniqueEmail } from '../support/service-env.ts';

const password = 'violet-anvil-73-harbor';

describe('auth sessions and tokens (real Postgres, Redis)', () => {
  let services: AuthWithOrg;
  let sut: AuthHarness;
  let redis: ReturnType<typeof createClient>;
  let revocations: SessionRevocationList;

  beforeAll(async () => {
    services = await startAuthWithOrg();
    sut = services.auth;
    redis = createClient({ url: sut.config.REDIS_URL });
    await redis.connect();
    revocations = new SessionRevocationList(redis, sut.config.REDIS_KEY_PREFIX, sut.config.ACCESS_TOKEN_TTL_SECONDS);
  });
  afterAll(async () => {
    redis.destroy();
    await services.stop();
  });

  /** Makes the published next signing key look as old as every verifier's cache needs. */
  async function ageNextKey() {
    const db = new pg.Client({ connectionString: sut.config.DATABASE_URL });
    await db.connect();
    try {
      await db.query(`update auth.signing_keys set created_at = now() - make_interval(secs => $1) where status = 'next'`, [sut.config.SIGNING_KEY_MIN_PUBLISHED_SECONDS]);
    } finally {
      await db.end();
    }
  }

  async function register() {
    const result = await sut.client.register({ email: uniqueEmail('s'), password }, sut.anonymous());
    const { payload } = await jwtVerify(result.tokens?.accessToken ?? '', createLocalJWKSet({ keys: (await sut.client.getJwks({}, sut.anonymous())).keys }), {
      algorithms: ['EdDSA'],
      issuer: sut.config.JWT_ISSUER,
      audience: sut.config.JWT_AUDIENCE,
      typ: 'at+jwt',
    });
    return { result, payload, userId: result.user?.id ?? '', sessionId: String(payload.sid) };
  }

  it('issues EdDSA at+jwt access tokens with kid, iss, aud, sub, exp, iat, jti, sid', async () => {
    const { result, payload } = await register();
    const header = decodeProtectedHeader(result.tokens?.accessToken ?? '');
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    expect(header.kid).toBeTruthy();
    expect(payload).toMatchObject({ sub: result.user?.id, iss: sut.config.JWT_ISSUER, aud: sut.config.JWT_AUDIENCE });
    expect(payload.exp! - payload.iat!).toBe(900);
    expect(payload.jti).toBeTruthy();
  });

  it('rotates refresh tokens and revokes the family when a spent one is replayed', async () => {
    const { result, sessionId } = await register();
    const first = result.tokens?.refreshToken ?? '';
    const second = await sut.client.refresh({ refreshToken: first }, sut.anonymous());
    expect(second.tokens?.refreshToken).not.toBe(first);
    await expect(sut.client.refresh({ refreshToken: first }, sut.anonymous())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    // The replay ended the session: the newer token is dead too, and access tokens are refused.
    await expect(sut.client.refresh({ refreshToken: second.tokens?.refreshToken ?? '' }, sut.anonymous())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(revocations.isRevoked(sessionId)).resolves.toBe(true);
  });

  it('ends a session at its maximum lifetime from sign-in, however recently it was refreshed', async () => {
    const { result, sessionId } = await register();
    const fresh = await sut.client.refresh({ refreshToken: result.tokens?.refreshToken ?? '' }, sut.anonymous());
    // The sign-in was longer ago than the maximum (90 days), its last refresh just now.
    const db = new pg.Client({ connectionString: sut.config.DATABASE_URL });
    await db.connect();
    try {
      await db.query(`update auth.sessions set created_at = now() - interval '91 days' where id = $1`, [sessionId]);
    } finally {
      await db.end();
    }
    await expect(sut.client.refresh({ refreshToken: fresh.tokens?.refreshToken ?? '' }, sut.anonymous())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it("cuts a refreshed access token's lifetime to the session's end near its maximum lifetime", async () => {
    const { result, sessionId } = await register();
    const db = new pg.Client({ connectionString: sut.config.DATABASE_URL });
    await db.connect();
    try {
      // Two minutes short of the maximum (90 days) since sign-in: less than one access token's 15.
      await db.query(`update auth.sessions set created_at = now() - interval '90 days' + interval '2 minutes' where id = $1`, [sessionId]);
    } finally {
      await db.end();
    }
    const fresh = await sut.client.refresh({ refreshToken: result.tokens?.refreshToken ?? '' }, sut.anonymous());
    expect(fresh.tokens?.expiresIn).toBeGreaterThan(100);
    expect(fresh.tokens?.expiresIn).toBeLessThanOrEqual(120);
    const claims = decodeJwt(fresh.tokens?.accessToken ?? '');
    expect(claims.exp! - claims.iat!).toBe(fresh.tokens?.expiresIn);
  });

  it('lets exactly one of two concurrent refreshes with the same token win', async () => {
    const { result } = await register();
    const token = result.tokens?.refreshToken ?? '';
    const outcomes = await Promise.allSettled([sut.client.refresh({ refreshToken: token }, sut.anonymous()), sut.client.refresh({ refreshToken: token }, sut.anonymous())]);
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
  });

  it('logs out: the session is revoked in Redis and its refresh token stops working', async () => {
    const { result, userId, sessionId } = await register();
    const principal = { kind: 'user', userId, sessionId, tokenType: 'access' } as const;
    await sut.client.logout({ refreshToken: result.tokens?.refreshToken ?? '' }, { principal });
    await expect(revocations.isRevoked(sessionId)).resolves.toBe(true);
    await expect(sut.client.refresh({ refreshToken: result.tokens?.refreshToken ?? '' }, sut.anonymous())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('changes the password, revoking every other session but the current one', async () => {
    const { result, userId, sessionId } = await register();
    const email = result.user?.email ?? '';
    const other = await sut.client.login({ email, password }, sut.anonymous());
    const principal = { kind: 'user', userId, sessionId, tokenType: 'access', ip: '192.0.2.1' } as const;
    await expect(sut.client.changePassword({ currentPassword: 'wrong-password-9', newPassword: 'another-fine-phrase-42' }, { principal })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(sut.client.changePassword({ currentPassword: password, newPassword: 'password1' }, { principal })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(sut.client.changePassword({ currentPassword: password, newPassword: `${email.split('@')[0]}-2026` }, { principal })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'new_password', message: "must not be built from your email, your name or the service's name" }],
    });
    await expect(sut.client.changePassword({ currentPassword: password, newPassword: password }, { principal })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'new_password', message: 'must differ from the current password' }],
    });
    await sut.client.changePassword({ currentPassword: password, newPassword: 'another-fine-phrase-42' }, { principal });
    await expect(sut.client.refresh({ refreshToken: other.tokens?.refreshToken ?? '' }, sut.anonymous())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(sut.client.refresh({ refreshToken: result.tokens?.refreshToken ?? '' }, sut.anonymous())).resolves.toBeDefined();
    await expect(revocations.isRevoked(sessionId)).resolves.toBe(false);
    await expect(sut.client.login({ email, password }, sut.anonymous())).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(sut.client.login({ email, password: 'another-fine-phrase-42' }, sut.anonymous())).resolves.toBeDefined();
  });

  it('rotates signing keys without invalidating tokens signed by the previous key', async () => {
    const { result } = await register();
    const oldKid = decodeProtectedHeader(result.tokens?.accessToken ?? '').kid;
    const before = (await sut.client.getJwks({}, sut.anonymous())).keys.map((key) => key.kid);
    const ops = { principal: { kind: 'service', service: 'ops' } } as const;
    // Just after start the next key is younger than verifiers' JWKS caches: refused, nothing changed.
    await expect(sut.client.rotateSigningKeys({ force: false }, ops)).rejects.toMatchObject({ code: 'PRECONDITION_FAILED' });
    expect((await sut.client.getJwks({}, sut.anonymous())).keys.map((key) => key.kid)).toEqual(before);
    await ageNextKey();
    const { currentKid } = await sut.client.rotateSigningKeys({ force: false }, ops);
    // The promoted key was already published as "next" before the rotation.
    expect(before).toContain(currentKid);
    const jwks = (await sut.client.getJwks({}, sut.anonymous())).keys;
    expect(jwks.map((key) => key.kid)).toEqual(expect.arrayContaining([oldKid, currentKid]));
    const fresh = await sut.client.login({ email: result.user?.email ?? '', password }, sut.anonymous());
    expect(decodeProtectedHeader(fresh.tokens?.accessToken ?? '').kid).toBe(currentKid);
    await expect(jwtVerify(result.tokens?.accessToken ?? '', createLocalJWKSet({ keys: jwks }))).resolves.toBeDefined();
    await expect(sut.client.rotateSigningKeys({ force: true }, sut.anonymous())).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('keeps a retired key published while tokens it signed can live, then drops it', async () => {
    const ops = { principal: { kind: 'service', service: 'ops' } } as const;
    const { result } = await register();
    const token = result.tokens?.accessToken ?? '';
    const kid = decodeProtectedHeader(token).kid ?? '';
    // Two rotations in a row (forced: the second promotes a key published a moment ago): the
    // token's key goes current → previous → retired.
    await sut.client.rotateSigningKeys({ force: true }, ops);
    await sut.client.rotateSigningKeys({ force: true }, ops);
    const jwks = (await sut.client.getJwks({}, sut.anonymous())).keys;
    expect(jwks.map((key) => key.kid)).toContain(kid);
    await expect(jwtVerify(token, createLocalJWKSet({ keys: jwks }))).resolves.toBeDefined();

    // Once retired for longer than any token lives, the key leaves the JWKS (at the next reload).
    const db = new pg.Client({ connectionString: sut.config.DATABASE_URL });
    await db.connect();
    try {
      await db.query(`update auth.signing_keys set rotated_at = now() - interval '1 day' where kid = $1 and status = 'retired'`, [kid]);
    } finally {
      await db.end();
    }
    await sut.client.rotateSigningKeys({ force: true }, ops);
    expect((await sut.client.getJwks({}, sut.anonymous())).keys.map((key) => key.kid)).not.toContain(kid);
  });
});
