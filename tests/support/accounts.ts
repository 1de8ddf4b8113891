import { expect } from 'vitest';
import type { ApiResponse, HttpApi } from './http-api.ts';
import { uniqueEmail } from './service-env.ts';

/** Long and uncommon enough for the password rules. */
export const E2E_PASSWORD = 'violet-anvil-73-harbor';

export interface UserView {
  id: string;
  email: string;
  display_name: string | null;
  avatar_url: string | null;
  wallets: Array<{ address: string; chain_id: number }>;
  created_at: string;
  updated_at: string;
}

export interface TokenPairView {
  access_token: string;
  refresh_token: string;
  token_type: 'Bearer';
  expires_in: number;
}

export interface AuthResultView extends TokenPairView {
  user: UserView;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  request_id: string;
  errors?: Array<{ field: string; message: string }>;
}

export interface SignedUpUser extends AuthResultView {
  email: string;
  password: string;
}

/** Registers a fresh account over HTTP and returns it with its first token pair. */
export async function signUp(api: HttpApi, label = 'user', body: Record<string, unknown> = {}): Promise<SignedUpUser> {
  const email = uniqueEmail(label);
  const response = await api.post<AuthResultView>('/api/v1/auth/register', { email, password: E2E_PASSWORD, ...body });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return { email, password: E2E_PASSWORD, ...response.body };
}

/** Signs in again: a second, independent session of the same user. */
export async function signIn(api: HttpApi, email: string, password = E2E_PASSWORD): Promise<AuthResultView> {
  const response = await api.post<AuthResultView>('/api/v1/auth/login', { email, password });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body;
}

/** What every error response looks like (RFC 9457, API.md "Conventions"). */
export function expectedProblem(status: number, code: string) {
  return {
    type: `https://egp.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`,
    title: expect.any(String) as unknown,
    status,
    detail: expect.any(String) as unknown,
    code,
    request_id: expect.any(String) as unknown,
  };
}

/** A problem response: the right status and code, the problem+json type, and the request id echoed. */
export function expectProblem(response: ApiResponse, status: number, code: string): Problem {
  expect(response.status, JSON.stringify(response.body)).toBe(status);
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(response.body).toMatchObject(expectedProblem(status, code));
  expect((response.body as Problem).request_id).toBe(response.headers.get('x-request-id'));
  return response.body as Problem;
}
