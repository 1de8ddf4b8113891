import { decodeJwt, decodeProtectedHeader } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '#libs/identity';
import { testEnvironment } from '#libs/testing';
import { startAuthWithOrg, type AuthWithOrg } from '../support/auth-with-org.ts';
import { uniqueEmail } from '../support/service-env.ts';

const password = 'violet-anvil-73-harbor';

describe('token exchange and organization policies (auth + org, real infrastructure)', () => {
  let services: AuthWithOrg;
  let org: AuthWithOrg['orgClient'];
  let db: pg.Client;

  beforeAll(async () => {
    services = await startAuthWithOrg();
    org = services.orgClient;
    db = new pg.Client({ connectionString: testEnvironment().databaseUrl });
    await db.connect();
  });
  afterAll(async () => {
    await db.end();
    await services.stop();
  });

  async function signUp() {
    const { user, tokens } = await services.auth.client.register({ email: uniqueEmail('x'), password }, services.auth.anonymous());
    const sid = String(decodeJwt(tokens?.accessToken ?? '').sid);
    const principal: Principal = { kind: 'user', userId: user?.id ?? '', sessionId: sid, tokenType: 'access', ip: '192.0.2.9' };
    return { userId: user?.id ?? '', principal };
  }

  async function newOrganization(owner: Principal) {
    const { organization } = await org.createOrganization({ name: `Studio ${Date.now()}` }, { principal: owner });
    return organization?.id ?? '';
  }

  async function setSettings(owner: Principal, organizationId: string, changes: { loginMethods?: string[]; require2fa?: boolean; passwordPolicy?: string }) {
    const { settings } = await org.getSettings({ organizationId }, { principal: owner });
    await org.updateSettings({ settings: { ...settings!, ...changes } }, { principal: owner });
  }

  it('issues an organization-bound svc+jwt carrying amr and the role, at most 15 minutes', async () => {
    const owner = await signUp();
    const organizationId = await newOrganization(owner.principal);
    const result = await services.auth.client.exchangeToken({ organizationId }, { principal: owner.principal });
    expect(result).toMatchObject({ issuedTokenType: 'urn:ietf:params:oauth:token-type:access_token', tokenType: 'Bearer' });
    expect(decodeProtectedHeader(result.accessToken).typ).toBe('svc+jwt');
    const claims = decodeJwt(result.accessToken);
    expect(claims).toMatchObject({ sub: owner.userId, org_id: organizationId, role: 'OWNER', amr: ['pwd'] });
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(900);
    expect(result.scope.split(' ')).toContain('system_data:write');
    // Asked for in upper case, the token still carries the organization's own id.
    const upper = await services.auth.client.exchangeToken({ organizationId: organizationId.toUpperCase() }, { principal: owner.principal });
    expect(decodeJwt(upper.accessToken).org_id).toBe(organizationId);
  });

  it('refuses strangers, unknown apps, service tokens and unknown scopes; never widens scopes', async () => {
    const owner = await signUp();
    const stranger = await signUp();
    const member = await signUp();
    const organizationId = await newOrganization(owner.principal);
    await org.addMember({ organizationId, userId: member.userId, role: 'MEMBER' }, { principal: owner.principal });
    await expect(services.auth.client.exchangeToken({ organizationId }, { principal: stranger.principal })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(services.auth.client.exchangeToken({ organizationId, appId: '0190f0f0-0000-7000-8000-000000000001' }, { principal: owner.principal })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const asService = { ...owner.principal, tokenType: 'service', organizationId } as Principal;
    await expect(services.auth.client.exchangeToken({ organizationId }, { principal: asService })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(services.auth.client.exchangeToken({ organizationId, scope: 'root:all' }, { principal: member.principal })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    const narrowed = await services.auth.client.exchangeToken({ organizationId, scope: 'members:read system_data:write' }, { principal: member.principal });
    expect(narrowed.scope).toBe('members:read');
    // Nothing asked for is allowed: no useless empty token, a refusal. An empty scope asks for nothing.
    await expect(services.auth.client.exchangeToken({ organizationId, scope: 'org:admin' }, { principal: member.principal })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(services.auth.client.exchangeToken({ organizationId, scope: ' ' }, { principal: member.principal })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('mints nothing from an ended session, and never past its end', async () => {
    const owner = await signUp();
    const organizationId = await newOrganization(owner.principal);
    const endsIn = async (interval: string) =>
      db.query(`update auth.sessions set expires_at = now() + $2::interval where id = $1`, [owner.principal.sessionId, interval]);
    await endsIn('5 minutes');
    const short = await services.auth.client.exchangeToken({ organizationId }, { principal: owner.principal });
    expect(short.expiresIn).toBeGreaterThan(290);
    expect(short.expiresIn).toBeLessThanOrEqual(300);
    const claims = decodeJwt(short.accessToken);
    expect(claims.exp! - claims.iat!).toBe(short.expiresIn);
    // Its access token still unexpired, a session past its end (the absolute limit) mints nothing.
    await endsIn('-1 second');
    await expect(services.auth.client.exchangeToken({ organizationId }, { principal: owner.principal })).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('enforces login_methods and require_2fa from the current settings', async () => {
    const owner = await signUp();
    const organizationId = await newOrganization(owner.principal);
    await setSettings(owner.principal, organizationId, { loginMethods: ['web3_siwe'] });
    await expect(services.auth.client.exchangeToken({ organizationId }, { principal: owner.principal })).rejects.toMatchObject({ code: 'LOGIN_METHOD_NOT_ALLOWED' });
    await setSettings(owner.principal, organizationId, { loginMethods: ['email_password'], require2fa: true });
    await expect(services.auth.client.exchangeToken({ organizationId }, { principal: owner.principal })).rejects.toMatchObject({ code: 'TWO_FACTOR_REQUIRED' });
  });

  it("applies the strictest organization password policy when a member changes their password", async () => {
    const owner = await signUp();
    const organizationId = await newOrganization(owner.principal);
    await setSettings(owner.principal, organizationId, { passwordPolicy: '{"minLength": 20, "requireSymbol": true}' });
    const change = (newPassword: string) => services.auth.client.changePassword({ currentPassword: password, newPassword }, { principal: owner.principal });
    await expect(change('short-but-symbol!')).rejects.toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: 'new_password' }] });
    await expect(change('twentyplaincharacter')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(change('twenty-characters-ok!')).resolves.toBeDefined();
  });
});
