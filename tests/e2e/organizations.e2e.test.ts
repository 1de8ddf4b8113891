import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectedProblem, signUp, type SignedUpUser } from '../support/accounts.ts';
import { httpApi, type ApiResponse } from '../support/http-api.ts';
import {
  addMember,
  createOrganization,
  exchangeToken,
  plainSettings,
  TIMESTAMP,
  UUID,
  type InvitationView,
  type MemberView,
  type OrganizationView,
  type Page,
  type SettingsView,
} from '../support/organizations.ts';
import { uniqueEmail } from '../support/service-env.ts';
import { useTestSystem } from '../support/system.ts';

/** The request body of seed `egp-org-settings-put.txt`, to the letter. */
const seedSettings = {
  login_methods: ['email_password', 'google_sso'],
  organization_id: 'a1b2c3d4-e5f6-7890-1234-567890abcdef',
  password_policy: '{"minLength": 8, "requireUppercase": true}',
  require_2fa: false,
  sso_domain: 'mycompany.com',
  sso_enabled: true,
  sso_oidc_client_id: '1234567890-abc.apps.googleusercontent.com',
  sso_oidc_discovery_url: 'https://accounts.google.com/.well-known/openid-configuration',
  sso_provider: 'saml',
  updated_at: '2023-10-26T15:00:00Z',
};

function expectProblem(response: ApiResponse, status: number, code: string): void {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.body).toMatchObject(expectedProblem(status, code));
}

describe('organizations, members and invitations over HTTP (the whole system)', () => {
  const system = useTestSystem();
  const api = httpApi(() => system().url);
  const v1 = (path: string) => `/api/v1${path}`;
  let owner: SignedUpUser, admin: SignedUpUser, member: SignedUpUser, stranger: SignedUpUser, otherOwner: SignedUpUser;
  let org: OrganizationView, otherOrg: OrganizationView;

  beforeAll(async () => {
    [owner, admin, member, stranger, otherOwner] = await Promise.all([
      signUp(api, 'owner'),
      signUp(api, 'admin'),
      signUp(api, 'member'),
      signUp(api, 'stranger'),
      signUp(api, 'other'),
    ]);
    org = await createOrganization(api, owner.access_token, 'Acme');
    otherOrg = await createOrganization(api, otherOwner.access_token, 'Globex');
    await addMember(api, owner.access_token, org.id, admin.user.id, 'ADMIN');
    await addMember(api, owner.access_token, org.id, member.user.id, 'MEMBER');
  });

  it('documents every organization, member and invitation route in OpenAPI, with its success response', async () => {
    const { paths } = (await api.get<{ paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }>(v1('/openapi.json'))).body;
    const documented = {
      '/api/v1/organizations': { post: '201', get: '200' },
      '/api/v1/organizations/{orgId}': { get: '200' },
      '/api/v1/organizations/{orgId}/settings': { get: '200', put: '200' },
      '/api/v1/organizations/{orgId}/members': { get: '200', post: '201' },
      '/api/v1/organizations/{orgId}/members/{userId}': { get: '200', put: '200', delete: '204' },
      '/api/v1/organizations/{orgId}/invitations': { get: '200', post: '201' },
      '/api/v1/organizations/{orgId}/invitations/{invitationId}': { delete: '204' },
      '/api/v1/invitations/accept': { post: '200' },
      '/api/v1/invitations': { get: '200' },
    };
    for (const [path, methods] of Object.entries(documented)) {
      for (const [method, status] of Object.entries(methods)) expect(paths[path]?.[method]?.responses, `${method} ${path}`).toHaveProperty(status);
    }
  });

  it('creates an organization: 201 {id, name, created_at, updated_at}; the creator is its OWNER', async () => {
    const name = `Initech ${randomUUID().slice(0, 8)}`;
    const created = await api.post<OrganizationView>(v1('/organizations'), { name: `  ${name} ` }, { token: owner.access_token });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(UUID) as unknown, name, created_at: expect.stringMatching(TIMESTAMP) as unknown, updated_at: expect.stringMatching(TIMESTAMP) as unknown });
    const mine = await api.get<Page<OrganizationView>>(v1('/organizations?limit=100'), { token: owner.access_token });
    expect(mine.body.data.map((each) => each.id)).toEqual(expect.arrayContaining([org.id, created.body.id]));
    const self = await api.get<MemberView>(v1(`/organizations/${created.body.id}/members/${owner.user.id}`), { token: owner.access_token });
    expect(self.body.role).toBe('OWNER');
    expect((await api.get(v1(`/organizations/${created.body.id}`), { token: owner.access_token })).body).toEqual(created.body);
  });

  it("round-trips settings with the seed's exact body: 200, the seed's shape", async () => {
    const put = await api.put<SettingsView>(v1(`/organizations/${org.id}/settings`), seedSettings, { token: owner.access_token });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(Object.keys(put.body)).toEqual(Object.keys(seedSettings));
    const { organization_id: _ignored, updated_at: _alsoIgnored, password_policy: policy, ...rest } = seedSettings;
    expect(put.body).toMatchObject({ ...rest, organization_id: org.id, updated_at: expect.stringMatching(TIMESTAMP) as unknown });
    expect(JSON.parse(put.body.password_policy)).toEqual(JSON.parse(policy));
    const get = await api.get<SettingsView>(v1(`/organizations/${org.id}/settings`), { token: admin.access_token });
    expect(get.status).toBe(200);
    expect(get.body).toEqual(put.body);
    // Back to plain settings: SSO is configured but nothing here depends on it.
    expect((await api.put(v1(`/organizations/${org.id}/settings`), plainSettings, { token: owner.access_token })).status).toBe(200);
  });

  it('shows unset optional settings as null and refuses invalid ones field by field', async () => {
    const get = await api.get<SettingsView>(v1(`/organizations/${org.id}/settings`), { token: owner.access_token });
    expect(get.body).toMatchObject({ sso_domain: null, sso_oidc_client_id: null, sso_oidc_discovery_url: null, sso_provider: null });
    const bad = await api.put(v1(`/organizations/${org.id}/settings`), { ...seedSettings, login_methods: ['fax'], sso_provider: 'myspace', password_policy: '{"minLength": 4}' }, { token: owner.access_token });
    expectProblem(bad, 400, 'VALIDATION_FAILED');
  });

  describe('members', () => {
    it("adds an existing user per the seed: 201 with exactly the seed's fields; 409 again; 404 for an unknown user", async () => {
      const newcomer = await signUp(api, 'newcomer');
      const added = await api.post<MemberView>(v1(`/organizations/${org.id}/members`), { user_id: newcomer.user.id, role: 'MEMBER' }, { token: admin.access_token });
      expect(added.status).toBe(201);
      expect(Object.keys(added.body)).toEqual(['custom_data', 'joined_at', 'organization_id', 'role', 'user_id']);
      expect(added.body).toEqual({ custom_data: {}, joined_at: expect.stringMatching(TIMESTAMP) as unknown, organization_id: org.id, role: 'MEMBER', user_id: newcomer.user.id });
      expectProblem(await api.post(v1(`/organizations/${org.id}/members`), { user_id: newcomer.user.id, role: 'ADMIN' }, { token: owner.access_token }), 409, 'CONFLICT');
      expectProblem(await api.post(v1(`/organizations/${org.id}/members`), { user_id: randomUUID(), role: 'MEMBER' }, { token: owner.access_token }), 404, 'NOT_FOUND');
    });

    it('lists, reads, changes and removes members; a member may leave', async () => {
      const leaver = await signUp(api, 'leaver');
      await addMember(api, owner.access_token, org.id, leaver.user.id, 'MEMBER');
      const list = await api.get<Page<MemberView>>(v1(`/organizations/${org.id}/members?limit=100`), { token: member.access_token });
      expect(list.status).toBe(200);
      expect(list.body.data.map((each) => each.user_id)).toEqual(expect.arrayContaining([owner.user.id, admin.user.id, member.user.id, leaver.user.id]));
      const promoted = await api.put<MemberView>(v1(`/organizations/${org.id}/members/${leaver.user.id}`), { role: 'ADMIN' }, { token: owner.access_token });
      expect(promoted.body).toMatchObject({ role: 'ADMIN', user_id: leaver.user.id });
      expect((await api.delete(v1(`/organizations/${org.id}/members/${leaver.user.id}`), { token: leaver.access_token })).status).toBe(204);
      expectProblem(await api.get(v1(`/organizations/${org.id}`), { token: leaver.access_token }), 404, 'NOT_FOUND');
    });

    it('keeps the OWNER rules: an ADMIN cannot touch an OWNER; the last OWNER stays', async () => {
      expectProblem(await api.put(v1(`/organizations/${org.id}/members/${owner.user.id}`), { role: 'MEMBER' }, { token: admin.access_token }), 403, 'FORBIDDEN');
      expectProblem(await api.put(v1(`/organizations/${org.id}/members/${owner.user.id}`), { role: 'ADMIN' }, { token: owner.access_token }), 409, 'CONFLICT');
      expectProblem(await api.delete(v1(`/organizations/${org.id}/members/${owner.user.id}`), { token: owner.access_token }), 409, 'CONFLICT');
    });
  });

  describe('access control', () => {
    type Caller = 'owner' | 'admin' | 'member' | 'stranger';
    const tokenOf = (caller: Caller) => ({ owner, admin, member, stranger })[caller].access_token;
    const routes: Array<{ name: string; minimum: 'MEMBER' | 'ADMIN'; call: (token: string) => Promise<ApiResponse> }> = [
      { name: 'GET organization', minimum: 'MEMBER', call: (token) => api.get(v1(`/organizations/${org.id}`), { token }) },
      { name: 'GET members', minimum: 'MEMBER', call: (token) => api.get(v1(`/organizations/${org.id}/members`), { token }) },
      { name: 'GET member', minimum: 'MEMBER', call: (token) => api.get(v1(`/organizations/${org.id}/members/${owner.user.id}`), { token }) },
      { name: 'GET settings', minimum: 'ADMIN', call: (token) => api.get(v1(`/organizations/${org.id}/settings`), { token }) },
      { name: 'PUT settings', minimum: 'ADMIN', call: (token) => api.put(v1(`/organizations/${org.id}/settings`), plainSettings, { token }) },
      { name: 'GET invitations', minimum: 'ADMIN', call: (token) => api.get(v1(`/organizations/${org.id}/invitations`), { token }) },
      { name: 'POST invitation', minimum: 'ADMIN', call: (token) => api.post(v1(`/organizations/${org.id}/invitations`), { email: uniqueEmail('matrix'), role: 'MEMBER' }, { token }) },
      {
        name: 'POST member',
        minimum: 'ADMIN',
        call: async (token) => api.post(v1(`/organizations/${org.id}/members`), { user_id: (await signUp(api, 'matrix')).user.id, role: 'MEMBER' }, { token }),
      },
    ];
    const expected = (caller: Caller, minimum: 'MEMBER' | 'ADMIN') =>
      caller === 'stranger' ? 404 : caller === 'member' && minimum === 'ADMIN' ? 403 : 'ok';

    it.each(routes.flatMap((route) => (['owner', 'admin', 'member', 'stranger'] as const).map((caller) => [route.name, caller, route] as const)))(
      '%s as %s',
      async (_name, caller, route) => {
        const response = await route.call(tokenOf(caller));
        const outcome = expected(caller, route.minimum);
        if (outcome === 'ok') expect([200, 201], JSON.stringify(response.body)).toContain(response.status);
        else expectProblem(response, outcome, outcome === 404 ? 'NOT_FOUND' : 'FORBIDDEN');
      },
    );

    it("hides another tenant's organization entirely: 404 on every route", async () => {
      const token = otherOwner.access_token;
      const base = `/organizations/${org.id}`;
      for (const response of [
        await api.get(v1(base), { token }),
        await api.get(v1(`${base}/settings`), { token }),
        await api.put(v1(`${base}/settings`), plainSettings, { token }),
        await api.get(v1(`${base}/members`), { token }),
        await api.post(v1(`${base}/members`), { user_id: otherOwner.user.id, role: 'ADMIN' }, { token }),
        await api.put(v1(`${base}/members/${member.user.id}`), { role: 'ADMIN' }, { token }),
        await api.delete(v1(`${base}/members/${member.user.id}`), { token }),
        await api.get(v1(`${base}/invitations`), { token }),
      ]) {
        expectProblem(response, 404, 'NOT_FOUND');
      }
      expect((await api.get(v1(`/organizations/${otherOrg.id}`), { token: owner.access_token })).status).toBe(404);
    });

    it('answers path ids that are not UUIDs with 404, not 400', async () => {
      for (const path of ['/organizations/acme', `/organizations/${org.id}/members/me`, `/organizations/${org.id}/invitations/1`]) {
        const response = path.endsWith('/1') ? await api.delete(v1(path), { token: owner.access_token }) : await api.get(v1(path), { token: owner.access_token });
        expectProblem(response, 404, 'NOT_FOUND');
      }
    });

    it('refuses mass assignment with 400 and ignores read-only echo fields', async () => {
      const token = owner.access_token;
      expectProblem(await api.post(v1('/organizations'), { name: 'Evil', owner_id: stranger.user.id }, { token }), 400, 'VALIDATION_FAILED');
      expectProblem(await api.post(v1(`/organizations/${org.id}/members`), { user_id: stranger.user.id, role: 'OWNER' }, { token }), 400, 'VALIDATION_FAILED');
      expectProblem(await api.put(v1(`/organizations/${org.id}/members/${member.user.id}`), { role: 'MEMBER', user_id: stranger.user.id }, { token }), 400, 'VALIDATION_FAILED');
      expectProblem(await api.put(v1(`/organizations/${org.id}/settings`), { ...plainSettings, owner_id: stranger.user.id }, { token }), 400, 'VALIDATION_FAILED');
      expectProblem(await api.post(v1(`/organizations/${org.id}/invitations`), { email: uniqueEmail('x'), role: 'OWNER' }, { token }), 400, 'VALIDATION_FAILED');
      const echoed = await api.post<OrganizationView>(v1('/organizations'), { name: 'Echo', id: otherOrg.id, organization_id: otherOrg.id, created_at: '2000-01-01T00:00:00Z' }, { token });
      expect(echoed.status).toBe(201);
      expect(echoed.body.id).not.toBe(otherOrg.id);
      expect(echoed.body.created_at).not.toBe('2000-01-01T00:00:00Z');
    });
  });

  describe('invitations', () => {
    it('sends, lists (without tokens), accepts once, and revokes', async () => {
      const invitee = await signUp(api, 'invitee');
      const sent = await api.post<InvitationView>(v1(`/organizations/${org.id}/invitations`), { email: invitee.email, role: 'ADMIN' }, { token: admin.access_token });
      expect(sent.status).toBe(201);
      expect(sent.body).toEqual({ id: expect.stringMatching(UUID) as unknown, organization_id: org.id, email: invitee.email, role: 'ADMIN', status: 'PENDING', expires_at: expect.stringMatching(TIMESTAMP) as unknown, token: expect.any(String) as unknown });
      const token = sent.body.token!;

      const listed = await api.get<Page<InvitationView>>(v1(`/organizations/${org.id}/invitations?limit=100`), { token: owner.access_token });
      expect(listed.body.data.find((each) => each.id === sent.body.id)).toMatchObject({ status: 'PENDING', email: invitee.email });
      expect(JSON.stringify(listed.body)).not.toContain(token);
      const mine = await api.get<Page<InvitationView>>(v1('/invitations'), { token: invitee.access_token });
      expect(mine.body.data.map((each) => each.id)).toEqual([sent.body.id]);

      expectProblem(await api.post(v1('/invitations/accept'), { token }, { token: stranger.access_token }), 404, 'NOT_FOUND');
      const accepted = await api.post<MemberView>(v1('/invitations/accept'), { token }, { token: invitee.access_token });
      expect(accepted.status).toBe(200);
      expect(accepted.body).toEqual({ custom_data: {}, joined_at: expect.stringMatching(TIMESTAMP) as unknown, organization_id: org.id, role: 'ADMIN', user_id: invitee.user.id });
      expectProblem(await api.post(v1('/invitations/accept'), { token }, { token: invitee.access_token }), 404, 'NOT_FOUND');
      expect((await api.get<Page<InvitationView>>(v1('/invitations'), { token: invitee.access_token })).body.data).toEqual([]);

      const revoked = await api.post<InvitationView>(v1(`/organizations/${org.id}/invitations`), { email: stranger.email, role: 'MEMBER' }, { token: owner.access_token });
      expect((await api.delete(v1(`/organizations/${org.id}/invitations/${revoked.body.id}`), { token: owner.access_token })).status).toBe(204);
      expectProblem(await api.post(v1('/invitations/accept'), { token: revoked.body.token }, { token: stranger.access_token }), 404, 'NOT_FOUND');
      expectProblem(await api.get(v1(`/organizations/${org.id}`), { token: stranger.access_token }), 404, 'NOT_FOUND');
    });
  });

  describe('token exchange and enforced settings', () => {
    it("issues a member a service token that works in that organization only", async () => {
      await addMember(api, otherOwner.access_token, otherOrg.id, member.user.id, 'MEMBER');
      const exchanged = await exchangeToken(api, member.access_token, org.id);
      expect(exchanged.status, JSON.stringify(exchanged.body)).toBe(200);
      const serviceToken = exchanged.body.access_token;
      expect((await api.get(v1(`/organizations/${org.id}`), { token: serviceToken })).status).toBe(200);
      expect((await api.get(v1(`/organizations/${org.id}/members`), { token: serviceToken })).status).toBe(200);
      // The user is a member of the other organization too, but this token is not for it.
      expect((await api.get(v1(`/organizations/${otherOrg.id}`), { token: member.access_token })).status).toBe(200);
      expectProblem(await api.get(v1(`/organizations/${otherOrg.id}`), { token: serviceToken }), 404, 'NOT_FOUND');
      expectProblem(await api.get(v1(`/organizations/${otherOrg.id}/members`), { token: serviceToken }), 404, 'NOT_FOUND');
      expectProblem(await api.post(v1('/organizations'), { name: 'Via service token' }, { token: serviceToken }), 403, 'FORBIDDEN');
    });

    it('refuses service tokens while the organization requires 2FA, and for sign-in methods it does not allow', async () => {
      const strict = await createOrganization(api, owner.access_token, 'Strict');
      await addMember(api, owner.access_token, strict.id, member.user.id, 'MEMBER');
      const settings = (body: object) => api.put(v1(`/organizations/${strict.id}/settings`), { ...plainSettings, ...body }, { token: owner.access_token });
      expect((await exchangeToken(api, member.access_token, strict.id)).status).toBe(200);

      expect((await settings({ require_2fa: true })).status).toBe(200);
      expectProblem(await exchangeToken(api, member.access_token, strict.id), 403, 'TWO_FACTOR_REQUIRED');

      expect((await settings({ login_methods: ['web3_siwe'] })).status).toBe(200);
      expectProblem(await exchangeToken(api, member.access_token, strict.id), 403, 'LOGIN_METHOD_NOT_ALLOWED');
    });

    it('applies the password policy when a member sets a password', async () => {
      const strictOwner = await signUp(api, 'policy');
      const strict = await createOrganization(api, strictOwner.access_token, 'Policy');
      const policy = JSON.stringify({ minLength: 30, requireSymbol: true });
      expect((await api.put(v1(`/organizations/${strict.id}/settings`), { ...plainSettings, password_policy: policy }, { token: strictOwner.access_token })).status).toBe(200);
      const change = (newPassword: string) =>
        api.put(v1('/users/me/password'), { current_password: strictOwner.password, new_password: newPassword }, { token: strictOwner.access_token });
      expectProblem(await change('amber-violin-61-glacier'), 400, 'VALIDATION_FAILED');
      expect((await change('amber-violin-61-glacier-orchid-tundra!')).status).toBe(204);
    });

    it('applies a role change on the very next request, also to a service token issued before it', async () => {
      const demoted = await signUp(api, 'demoted');
      await addMember(api, owner.access_token, org.id, demoted.user.id, 'ADMIN');
      const exchanged = await exchangeToken(api, demoted.access_token, org.id);
      expect(exchanged.status).toBe(200);
      const serviceToken = exchanged.body.access_token;
      expect((await api.get(v1(`/organizations/${org.id}/settings`), { token: demoted.access_token })).status).toBe(200);
      expect((await api.get(v1(`/organizations/${org.id}/settings`), { token: serviceToken })).status).toBe(200);

      expect((await api.put(v1(`/organizations/${org.id}/members/${demoted.user.id}`), { role: 'MEMBER' }, { token: owner.access_token })).status).toBe(200);
      expectProblem(await api.get(v1(`/organizations/${org.id}/settings`), { token: demoted.access_token }), 403, 'FORBIDDEN');
      expectProblem(await api.get(v1(`/organizations/${org.id}/settings`), { token: serviceToken }), 403, 'FORBIDDEN');

      expect((await api.delete(v1(`/organizations/${org.id}/members/${demoted.user.id}`), { token: owner.access_token })).status).toBe(204);
      expectProblem(await api.get(v1(`/organizations/${org.id}`), { token: serviceToken }), 404, 'NOT_FOUND');
    });
  });
});
