import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { HttpApi } from './http-api.ts';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
export const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/;

export interface OrganizationView {
  id: string;
  name: string;
  created_at: string;
  updated_at: string;
}

export interface MemberView {
  custom_data: Record<string, unknown>;
  joined_at: string;
  organization_id: string;
  role: 'OWNER' | 'ADMIN' | 'MEMBER';
  user_id: string;
}

export interface SettingsView {
  login_methods: string[];
  organization_id: string;
  password_policy: string;
  require_2fa: boolean;
  sso_domain: string | null;
  sso_enabled: boolean;
  sso_oidc_client_id: string | null;
  sso_oidc_discovery_url: string | null;
  sso_provider: string | null;
  updated_at: string;
}

export interface InvitationView {
  id: string;
  organization_id: string;
  email: string;
  role: 'ADMIN' | 'MEMBER';
  status: string;
  expires_at: string;
  created_at?: string;
  token?: string;
}

export interface Page<Item> {
  data: Item[];
  next_cursor: string | null;
}

/** Settings a test can PUT: the defaults a new organization has, as a complete object. */
export const plainSettings = {
  login_methods: ['email_password', 'web3_siwe'],
  password_policy: '{"minLength": 8}',
  require_2fa: false,
  sso_enabled: false,
};

/** Creates an organization over HTTP; the caller becomes its OWNER. */
export async function createOrganization(api: HttpApi, token: string, label = 'Org'): Promise<OrganizationView> {
  const response = await api.post<OrganizationView>('/api/v1/organizations', { name: `${label} ${randomUUID().slice(0, 8)}` }, { token });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

/** Adds an existing user directly, as an ADMIN or OWNER does. */
export async function addMember(api: HttpApi, token: string, organizationId: string, userId: string, role: 'ADMIN' | 'MEMBER'): Promise<MemberView> {
  const response = await api.post<MemberView>(`/api/v1/organizations/${organizationId}/members`, { user_id: userId, role }, { token });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

/** RFC 8693-style exchange of a user's access token for a service token bound to one organization. */
export function exchangeToken(api: HttpApi, token: string, organizationId: string) {
  return api.post<{ access_token: string }>('/api/v1/auth/token/exchange', { organization_id: organizationId }, { token });
}
