import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrganizationSettings } from '#gen/egp/org/v1/org_service';
import { AppError } from '#libs/errors';
import type { CallOptions } from '#libs/grpc';
import { connectTestRedis, fakeClients, postJson, startTestGateway, type TestGateway, type TestRedis } from '../testing/harness.ts';
import { seedSettingsBody } from '../testing/seeds.ts';
import { createSigningKey, signAccessToken, signServiceToken, TEST_ORGANIZATION_ID, type TestSigningKey } from '../testing/tokens.ts';
import { organizationRoutes } from './organizations.ts';

const seedOrgId = 'a1b2c3d4-e5f6-7890-1234-567890abcdef';
const forbiddenOrgId = '0196b6c8-0000-7000-8000-0000000000f3';
const organization = { id: TEST_ORGANIZATION_ID, name: 'Acme', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' };
const organizationView = { id: TEST_ORGANIZATION_ID, name: 'Acme', created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z' };

describe(organizationRoutes.name, () => {
  let redis: TestRedis;
  let key: TestSigningKey;
  let sut: TestGateway;
  const calls: Array<{ rpc: string; request: unknown; options: CallOptions }> = [];

  /** The org service's answers by organization: unknown ids are NOT_FOUND, one org refuses (too low a role). */
  function authorize(organizationId: string): void {
    if (organizationId === forbiddenOrgId) throw AppError.forbidden();
    if (organizationId !== TEST_ORGANIZATION_ID && organizationId !== seedOrgId) throw AppError.notFound('Organization');
  }

  beforeAll(async () => {
    redis = await connectTestRedis();
    key = await createSigningKey();
    const clients = fakeClients({
      org: {
        createOrganization: async (request, options) => {
          calls.push({ rpc: 'createOrganization', request, options });
          return { organization: { ...organization, name: request.name, ownerId: 'leak' } as typeof organization };
        },
        listMyOrganizations: async (request, options) => {
          calls.push({ rpc: 'listMyOrganizations', request, options });
          return { organizations: [organization], nextCursor: undefined };
        },
        getOrganization: async (request) => {
          authorize(request.organizationId);
          return { organization };
        },
        getSettings: async (request) => {
          authorize(request.organizationId);
          const settings = { organizationId: request.organizationId, loginMethods: ['email_password'], passwordPolicy: '{"minLength":8}', require2fa: false, ssoEnabled: false, updatedAt: '2026-01-01T00:00:00.000Z' };
          return { settings };
        },
        updateSettings: async (request, options) => {
          calls.push({ rpc: 'updateSettings', request, options });
          const settings = request.settings!;
          authorize(settings.organizationId);
          // The service stores and answers the settings; a secret it may hold one day must not leak.
          return { settings: { ...settings, updatedAt: '2023-10-26T15:00:00Z', ssoOidcClientSecret: 's3cret' } as OrganizationSettings };
        },
      },
    });
    sut = await startTestGateway({ redis, signingKey: key, clients });
  });

  afterAll(async () => {
    await sut.close();
    await redis.close();
  });

  const bearer = async (token?: string) => ({ Authorization: `Bearer ${token ?? (await signAccessToken(key))}` });
  const url = (path: string) => `${sut.url}/api/v1${path}`;
  const put = async (path: string, body: unknown, token?: string) =>
    fetch(url(path), { method: 'PUT', headers: { 'content-type': 'application/json', ...(await bearer(token)) }, body: JSON.stringify(body) });

  it('creates an organization: 201 {id, name, created_at, updated_at}, nothing else', async () => {
    const response = await postJson(url('/organizations'), { name: '  Acme ' }, await bearer());
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual(organizationView);
    expect(calls.at(-1)).toMatchObject({ rpc: 'createOrganization', request: { name: 'Acme' }, options: { principal: { kind: 'user', tokenType: 'access' } } });
  });

  it.each(['owner_id', 'role', 'user_id'])('refuses %s in the create body without calling the service', async (field) => {
    const before = calls.length;
    const response = await postJson(url('/organizations'), { name: 'Acme', [field]: '0196b6c8-0000-7000-8000-000000000009' }, await bearer());
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field, message: 'Unknown field.' }] });
    expect(calls.length).toBe(before);
  });

  it('needs a signed-in user, and the user\'s own token to create', async () => {
    expect((await postJson(url('/organizations'), { name: 'Acme' })).status).toBe(401);
    expect((await postJson(url('/organizations'), { name: 'Acme' }, await bearer(await signServiceToken(key)))).status).toBe(403);
  });

  it('lists with the default page size and a null next_cursor on the last page', async () => {
    const response = await fetch(url('/organizations'), { headers: await bearer() });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: [organizationView], next_cursor: null });
    expect(calls.at(-1)).toMatchObject({ rpc: 'listMyOrganizations', request: { page: { limit: 50 } } });
  });

  it.each(['0', '101', 'ten', '5.5', '1e1', '0x10', '%201', '-1'])('refuses ?limit=%s', async (limit) => {
    const response = await fetch(url(`/organizations?limit=${limit}`), { headers: await bearer() });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ errors: [{ field: 'limit' }] });
  });

  it('passes limit and cursor through', async () => {
    await fetch(url('/organizations?limit=100&cursor=abc'), { headers: await bearer() });
    expect(calls.at(-1)).toMatchObject({ rpc: 'listMyOrganizations', request: { page: { limit: 100, cursor: 'abc' } } });
  });

  it("maps the service's NOT_FOUND and PERMISSION_DENIED to 404 and 403", async () => {
    expect((await fetch(url(`/organizations/${TEST_ORGANIZATION_ID}`), { headers: await bearer() })).status).toBe(200);
    expect((await fetch(url('/organizations/0196b6c8-0000-7000-8000-00000000dead'), { headers: await bearer() })).status).toBe(404);
    expect((await fetch(url(`/organizations/${forbiddenOrgId}/settings`), { headers: await bearer() })).status).toBe(403);
  });

  it.each(['/organizations/42', '/organizations/not-a-uuid/settings', `/organizations/${TEST_ORGANIZATION_ID}x`])(
    'answers a path id that is not a UUID (%s) with 404, as an unknown one',
    async (path) => {
      const response = await fetch(url(path), { headers: await bearer() });
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
    },
  );

  it('shows unset optional settings as null', async () => {
    const response = await fetch(url(`/organizations/${TEST_ORGANIZATION_ID}/settings`), { headers: await bearer() });
    expect(await response.json()).toEqual({
      login_methods: ['email_password'],
      organization_id: TEST_ORGANIZATION_ID,
      password_policy: '{"minLength":8}',
      require_2fa: false,
      sso_domain: null,
      sso_enabled: false,
      sso_oidc_client_id: null,
      sso_oidc_discovery_url: null,
      sso_provider: null,
      updated_at: '2026-01-01T00:00:00.000Z',
    });
  });

  it("updates settings with the seed's body: 200 with the seed's response, to the letter", async () => {
    const response = await put(`/organizations/${seedOrgId}/settings`, seedSettingsBody);
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(JSON.parse(body)).toEqual(seedSettingsBody);
    expect(Object.keys(JSON.parse(body) as object)).toEqual(Object.keys(seedSettingsBody));
    expect(body).not.toContain('s3cret');
  });

  it("takes the organization from the path, never from the body's organization_id", async () => {
    await put(`/organizations/${TEST_ORGANIZATION_ID}/settings`, { ...seedSettingsBody, organization_id: seedOrgId });
    expect(calls.at(-1)).toMatchObject({ rpc: 'updateSettings', request: { settings: { organizationId: TEST_ORGANIZATION_ID } } });
  });

  it('refuses invalid settings with every field error at once, before the service hears of it', async () => {
    const before = calls.length;
    const response = await put(`/organizations/${TEST_ORGANIZATION_ID}/settings`, {
      ...seedSettingsBody,
      sso_provider: 'facebook',
      sso_oidc_discovery_url: 'http://insecure.example/',
      owner_id: 'x',
    });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: Array<{ field: string }> };
    expect(problem.errors.map((error) => error.field).sort()).toEqual(['owner_id', 'sso_oidc_discovery_url', 'sso_provider']);
    expect(calls.length).toBe(before);
  });

  it('accepts a service token on organization routes, forwarding its binding', async () => {
    const response = await put(`/organizations/${TEST_ORGANIZATION_ID}/settings`, seedSettingsBody, await signServiceToken(key));
    expect(response.status).toBe(200);
    expect(calls.at(-1)!.options.principal).toMatchObject({ kind: 'user', tokenType: 'service', organizationId: TEST_ORGANIZATION_ID });
  });

  it('documents every route with its response schema', async () => {
    const document = (await (await fetch(url('/openapi.json'))).json()) as { paths: Record<string, Record<string, { responses: Record<string, unknown>; security: unknown[] }>> };
    const settings = document.paths['/api/v1/organizations/{orgId}/settings']!;
    expect(Object.keys(settings).sort()).toEqual(['get', 'put']);
    expect(settings.put!.responses['200']).toMatchObject({ content: { 'application/json': { schema: { type: 'object' } } } });
    expect(settings.put!.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(document.paths['/api/v1/organizations']!).sort()).toEqual(['get', 'post']);
  });

  it("lists the ignored echo fields in the settings body as optional and readOnly, so the seed's own body validates", async () => {
    type Body = { requestBody: { content: { 'application/json': { schema: { properties: Record<string, unknown>; required: string[]; additionalProperties: boolean } } } } };
    const document = (await (await fetch(url('/openapi.json'))).json()) as { paths: Record<string, Record<string, Body>> };
    const schema = document.paths['/api/v1/organizations/{orgId}/settings']!.put!.requestBody.content['application/json'].schema;
    expect(schema.properties).toMatchObject({ organization_id: { readOnly: true }, updated_at: { readOnly: true }, id: { readOnly: true }, created_at: { readOnly: true } });
    expect(schema.required).not.toContain('organization_id');
    expect(schema.required).not.toContain('updated_at');
    for (const field of Object.keys(seedSettingsBody)) expect(schema.properties).toHaveProperty(field);
    // Bodies that refuse the echo fields do not list them.
    const profile = document.paths['/api/v1/users/me']?.put?.requestBody.content['application/json'].schema;
    expect(profile?.properties ?? {}).not.toHaveProperty('updated_at');
  });
});
