import type { GatewayClients } from '../clients/types.ts';
import { defineRoute, type ApiRouter } from '../openapi/define-route.ts';
import { jwksSchema } from '../schemas/jwks.ts';

export function wellKnownRoutes(router: ApiRouter, { auth }: GatewayClients): void {
  defineRoute(
    router,
    {
      method: 'get',
      path: '/.well-known/jwks.json',
      summary: 'Public keys that verify access tokens',
      description: 'The current signing key, the next one (published before it signs anything) and older ones for as long as tokens they signed can live.',
      tags: ['Authentication'],
      auth: 'none',
      responses: { 200: jwksSchema },
      headers: { 'Cache-Control': 'public, max-age=300' },
    },
    async ({ call }) => auth.getJwks({}, { ...call, idempotent: true }),
  );
}
