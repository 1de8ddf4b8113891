import type { SessionRevocationView } from '#libs/session-revocation';
import type { GatewayClients } from '../clients/types.ts';
import { defineRoute, type ApiRouter } from '../openapi/define-route.ts';
import { revokedSessionsSchema, revokeSessionsBody, sessionListSchema, toSessionList } from '../schemas/sessions.ts';
import { API_V1 } from './paths.ts';

/** A user's view of where they are signed in, and ending sessions there (ASVS 5.0 V7.5.2). */
export function userSessionRoutes(router: ApiRouter, clients: GatewayClients, revocations: Pick<SessionRevocationView, 'sessionsEnded'>): void {
  defineRoute(
    router,
    {
      method: 'get',
      path: `${API_V1}/users/me/sessions`,
      summary: "List current user's sessions",
      description: 'Every session still open (neither ended nor expired), newest first, at most 100; `current` marks the one making this request.',
      tags: ['Users'],
      auth: 'user',
      responses: { 200: sessionListSchema },
    },
    async ({ call }) => toSessionList((await clients.auth.listSessions({}, { ...call, idempotent: true })).sessions),
  );

  defineRoute(
    router,
    {
      method: 'post',
      path: `${API_V1}/users/me/sessions/revoke`,
      summary: "End some of current user's sessions",
      description:
        'Needs the current password again (someone holding a stolen session cannot sign the owner out). Ends the sessions named in `session_ids` that are yours and still open, or with `all_others: true` every session but this one; their refresh and access tokens stop working at once.',
      tags: ['Users'],
      auth: 'user',
      body: revokeSessionsBody,
      responses: { 200: revokedSessionsSchema, 400: 'The current password is wrong, or the body names neither or both targets.', 429: 'Too many wrong current passwords; see Retry-After.' },
    },
    async ({ body, call }) => {
      const request = { currentPassword: body.current_password, sessionIds: body.session_ids ?? [], allOthers: body.all_others === true };
      const { revokedSessionIds } = await clients.auth.revokeSessions(request, call);
      // Refused at once on this gateway, before the revocations' pub/sub message arrives.
      revocations.sessionsEnded(revokedSessionIds);
      return { revoked_session_ids: revokedSessionIds };
    },
  );
}
