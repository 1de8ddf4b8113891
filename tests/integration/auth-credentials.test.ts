import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuthHarness, type AuthHarness } from '../support/auth-harness.ts';
import { uniqueEmail } from '../support/service-env.ts';

const password = 'violet-anvil-73-harbor';

describe('auth credentials (real Postgres, Redis, NATS)', () => {
  let sut: AuthHarness;

  beforeAll(async () => {
    sut = await startAuthHarness();
  });
  afterAll(() => sut.stop());

  it('registers, then logs in with the same email in another case', async () => {
    const email = uniqueEmail('Reg');
    const registered = await sut.client.register({ email: `  ${email} `, password, displayName: 'Ada' }, sut.anonymous());
    expect(registered.user).toMatchObject({ email, displayName: 'Ada', wallets: [] });
    expect(registered.tokens).toMatchObject({ tokenType: 'Bearer', expiresIn: 900 });
    expect(registered.tokens?.refreshToken).toMatch(/^egp_rt_[A-Za-z0-9_-]{43}$/);

    const loggedIn = await sut.client.login({ email: email.toUpperCase(), password }, sut.anonymous());
    expect(loggedIn.user?.id).toBe(registered.user?.id);
  });

  it('refuses a duplicate email, whatever its case, with CONFLICT', async () => {
    const email = uniqueEmail('dup');
    await sut.client.register({ email, password }, sut.anonymous());
    await expect(sut.client.register({ email: email.toUpperCase(), password }, sut.anonymous())).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('rejects short, over-long and common passwords before hashing', async () => {
    const attempt = (pw: string) => sut.client.register({ email: uniqueEmail(), password: pw }, sut.anonymous());
    await expect(attempt('short')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(attempt('x'.repeat(129))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(attempt('Password123')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(attempt('x'.repeat(64) + '!')).resolves.toBeDefined();
  });

  it('refuses an email whose local part is over 64 characters, and names the account after one of 64', async () => {
    const local = (length: number) => `${Date.now().toString(36)}${'b'.repeat(length)}`.slice(-length);
    await expect(sut.client.register({ email: `${local(65)}@example.test`, password }, sut.anonymous())).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'email', message: 'the part before @ must be at most 64 characters' }],
    });
    const longest = local(64);
    const registered = await sut.client.register({ email: `${longest}@example.test`, password }, sut.anonymous());
    expect(registered.user?.displayName).toBe(longest);
  });

  it("rejects a password built from the account's email, name or the service's name", async () => {
    const contextual = { code: 'VALIDATION_FAILED', fields: [{ field: 'password', message: "must not be built from your email, your name or the service's name" }] };
    const email = `grace.hopper.${Date.now()}@example.test`;
    const localPart = email.split('@')[0]!;
    await expect(sut.client.register({ email, password: `${localPart.toUpperCase()}!` }, sut.anonymous())).rejects.toMatchObject(contextual);
    await expect(sut.client.register({ email: uniqueEmail('ctx'), password: 'Admiral Grace 1906', displayName: 'admiral grace' }, sut.anonymous())).rejects.toMatchObject(contextual);
    await expect(sut.client.register({ email: uniqueEmail('ctx'), password: 'EGP-accounts-2026' }, sut.anonymous())).rejects.toMatchObject(contextual);
    await expect(sut.client.register({ email, password }, sut.anonymous())).resolves.toBeDefined();
  });

  it('rejects a display name with control, format or bidi characters', async () => {
    for (const displayName of ['a\u0000b', 'evil\u202Egnp.exe', 'tab\there', '\u200B', 'Ada\u200B', '\u200E\u200F']) {
      await expect(sut.client.register({ email: uniqueEmail('cc'), password, displayName }, sut.anonymous())).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        fields: [{ field: 'display_name', message: 'must not contain control, format or bidirectional override characters' }],
      });
    }
  });

  it('rejects a display name with nothing visible in it, and keeps joiners where names need them', async () => {
    for (const displayName of ['\u200D', '\u200C\u0301']) {
      await expect(sut.client.register({ email: uniqueEmail('blank'), password, displayName }, sut.anonymous())).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
        fields: [{ field: 'display_name', message: 'must contain a visible character' }],
      });
    }
    // At most 100 characters, counted as characters: the service holds the gateway's limit too.
    await expect(sut.client.register({ email: uniqueEmail('long'), password, displayName: 'a'.repeat(101) }, sut.anonymous())).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'display_name', message: 'must be 1 to 100 characters' }],
    });
    await expect(sut.client.register({ email: uniqueEmail('emoji'), password, displayName: '🦊'.repeat(100) }, sut.anonymous())).resolves.toBeDefined();
    for (const displayName of ['👩\u200D💻 Ada', 'می\u200Cخواهم']) {
      const registered = await sut.client.register({ email: uniqueEmail('zwj'), password, displayName }, sut.anonymous());
      expect(registered.user?.displayName).toBe(displayName);
    }
  });

  it('answers unknown email and wrong password identically', async () => {
    const email = uniqueEmail('enum');
    await sut.client.register({ email, password }, sut.anonymous());
    const wrong = await sut.client.login({ email, password: 'not-the-password-1' }, sut.anonymous('198.51.100.1')).catch((error: unknown) => error);
    const unknown = await sut.client.login({ email: uniqueEmail('nobody'), password }, sut.anonymous('198.51.100.1')).catch((error: unknown) => error);
    expect(wrong).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Invalid email or password.' });
    expect(unknown).toMatchObject({ code: 'UNAUTHENTICATED', message: 'Invalid email or password.' });
  });

  it('refuses sign-up from a principal that is not anonymous', async () => {
    const principal = { kind: 'user', userId: 'u', sessionId: 's', tokenType: 'access' } as const;
    await expect(sut.client.register({ email: uniqueEmail(), password }, { principal })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('lets a user read their own record and nobody else', async () => {
    const a = await sut.client.register({ email: uniqueEmail('a'), password }, sut.anonymous());
    const b = await sut.client.register({ email: uniqueEmail('b'), password }, sut.anonymous());
    const asA = { principal: { kind: 'user', userId: a.user?.id ?? '', sessionId: 's', tokenType: 'access' } as const };
    await expect(sut.client.getUser({ userId: a.user?.id ?? '' }, asA)).resolves.toMatchObject({ user: { id: a.user?.id } });
    await expect(sut.client.getUser({ userId: b.user?.id ?? '' }, asA)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(sut.client.getUser({ userId: 'not-a-uuid' }, asA)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
