import type { GatewayClients } from '../clients/types.ts';
import { defineRoute, type ApiRouter } from '../openapi/define-route.ts';
import { authResultSchema, loginBody, registerBody, toAuthResult } from '../schemas/auth.ts';
import { API_V1 } from './paths.ts';

export function authRoutes(router: ApiRouter, { auth }: GatewayClients): void {
  defineRoute(
    router,
    {
      method: 'post',
      path: `${API_V1}/auth/register`,
      summary: 'Register with email and password',
      description: 'Creates the account and signs it in. The password must have 8 to 128 characters and not be a common one.',
      tags: ['Authentication'],
      auth: 'none',
      body: registerBody,
      responses: { 201: authResultSchema, 409: 'The email is already registered.' },
    },
    async ({ body, call }) =>
      toAuthResult(await auth.register({ email: body.email, password: body.password, displayName: body.display_name }, call)),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: `${API_V1}/auth/login`,
      summary: 'Sign in with email and password',
      description: 'Unknown email, wrong password and locked account all answer the same 401.',
      tags: ['Authentication'],
      auth: 'none',
      body: loginBody,
      responses: { 200: authResultSchema, 401: 'The email or password is wrong, or the account is locked.' },
    },
    async ({ body, call }) => toAuthResult(await auth.login({ email: body.email, password: body.password }, call)),
  );
}
