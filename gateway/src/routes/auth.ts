import { AppError } from '#libs/errors';
import type { SessionRevocationView } from '#libs/session-revocation';
import type { GatewayClients } from '../clients/types.ts';
import { defineRoute, type ApiRouter } from '../openapi/define-route.ts';
import { authResultSchema, loginBody, registerBody, toAuthResult } from '../schemas/auth.ts';
import {
  logoutBody,
  refreshBody,
  tokenExchangeBody,
  tokenExchangeResultSchema,
  tokenPairSchema,
  toTokenExchangeView,
  toTokenPairView,
} from '../schemas/tokens.ts';
import { API_V1 } from './paths.ts';

export function authRoutes(router: ApiRouter, clients: GatewayClients, revocations: Pick<SessionRevocationView, 'sessionsEnded'>): void {
  const { auth } = clients;
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
      description:
        'Unknown email and wrong password answer the same 401. Past the brute-force threshold (per account and address, then per account) any email, existing or not, gets 429 with Retry-After.',
      tags: ['Authentication'],
      auth: 'none',
      body: loginBody,
      responses: { 200: authResultSchema, 401: 'The email or password is wrong.', 429: 'Too many attempts; wait for Retry-After.' },
    },
    // Auth answers the whole user: it keeps a copy of the profile's name and avatar.
    async ({ body, call }) => toAuthResult(await auth.login({ email: body.email, password: body.password }, call)),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: `${API_V1}/auth/refresh`,
      summary: 'Rotate a refresh token for a new token pair',
      description: 'The refresh token is spent. Presenting a spent one again ends its whole session (reuse detection).',
      tags: ['Authentication'],
      auth: 'none',
      body: refreshBody,
      responses: { 200: tokenPairSchema, 401: 'The refresh token is invalid, expired, spent or its session ended.' },
    },
    async ({ body, call }) => {
      try {
        return toTokenPairView((await auth.refresh({ refreshToken: body.refresh_token }, call)).tokens);
      } catch (error) {
        // A refused refresh may be a replay that just ended its session (reuse detection).
        // Which session is not known here, so this gateway answers no session from memory
        // until a heartbeat sent after now proves its view holds that revocation too.
        if (error instanceof AppError && error.code === 'UNAUTHENTICATED') revocations.sessionsEnded([]);
        throw error;
      }
    },
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: `${API_V1}/auth/logout`,
      summary: 'Sign out',
      description: "Ends the caller's current session and the session of the given refresh token, if it is the caller's. Their access tokens stop working at once.",
      tags: ['Authentication'],
      auth: 'user',
      body: logoutBody,
      responses: { 204: null },
    },
    async ({ body, call }) => {
      await auth.logout({ refreshToken: body.refresh_token }, call);
      // Refused at once on this gateway, before the revocation's pub/sub message arrives.
      if (call.principal.kind === 'user') revocations.sessionsEnded([call.principal.sessionId]);
    },
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: `${API_V1}/auth/token/exchange`,
      summary: 'Exchange user token for service token',
      description:
        "Needs the user's own access token (a service token cannot be exchanged again). The result is bound to the organization (and app: `aud`), " +
        "carries the caller's role there and never more scopes than the role allows, and lives at most 15 minutes.",
      tags: ['Authentication'],
      auth: 'user',
      body: tokenExchangeBody,
      responses: {
        200: tokenExchangeResultSchema,
        403: "The organization's policy does not allow this session's sign-in method, or requires two-factor authentication; or the caller's role allows none of the scopes asked for.",
        404: 'The organization (or app) does not exist or the caller is not a member.',
      },
    },
    async ({ body, call }) =>
      toTokenExchangeView(await auth.exchangeToken({ organizationId: body.organization_id, appId: body.app_id, scope: body.scope }, call)),
  );
}
