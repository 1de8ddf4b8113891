import { z } from 'zod';
import type { ExchangeTokenResponse, TokenPair } from '#gen/egp/auth/v1/auth_service';
import { AppError } from '#libs/errors';
import { writableBody } from '../middleware/validation.ts';

/** Opaque to clients; bounded so nothing huge is hashed or sent on. */
const refreshTokenField = z.string().min(1).max(512);

export const refreshBody = writableBody({ refresh_token: refreshTokenField });

export const logoutBody = writableBody({ refresh_token: refreshTokenField });

export const tokenPairSchema = z.object({
  access_token: z.string(),
  refresh_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().meta({ description: 'Seconds until the access token expires' }),
});

export function toTokenPairView(tokens: TokenPair | undefined): z.input<typeof tokenPairSchema> {
  if (!tokens) throw AppError.internal(new Error('auth returned no tokens'));
  return { access_token: tokens.accessToken, refresh_token: tokens.refreshToken, token_type: 'Bearer', expires_in: tokens.expiresIn };
}

export const ISSUED_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/** Strict, without the echo-field leniency: `organization_id` is the request's subject here, not an echo. */
export const tokenExchangeBody = z.strictObject({
  organization_id: z.uuid(),
  app_id: z.uuid().optional(),
  scope: z.string().max(1000).regex(/\S/, 'name at least one scope, or leave scope out').optional().meta({ description: 'Space-separated scopes; the result never exceeds what your role allows' }),
});

export const tokenExchangeResultSchema = z.object({
  access_token: z.string(),
  issued_token_type: z.literal(ISSUED_TOKEN_TYPE),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int().meta({ description: 'Seconds until the service token expires (at most 900)' }),
  scope: z.string().meta({ description: 'Space-separated scopes granted' }),
});

export function toTokenExchangeView(result: ExchangeTokenResponse): z.input<typeof tokenExchangeResultSchema> {
  return {
    access_token: result.accessToken,
    issued_token_type: ISSUED_TOKEN_TYPE,
    token_type: 'Bearer',
    expires_in: result.expiresIn,
    scope: result.scope,
  };
}
