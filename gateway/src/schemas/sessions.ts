import { z } from 'zod';
import type { SessionInfo } from '#gen/egp/auth/v1/auth_service';
import { passwordField } from './auth.ts';
import { timestamp } from './timestamp.ts';

/** As many as a user sees, and ends by id at once (auth's MAX_LISTED_SESSIONS). */
const MAX_SESSIONS = 100;

export const sessionSchema = z.object({
  id: z.uuid(),
  current: z.boolean().meta({ description: 'The session of the access token making this request' }),
  amr: z.array(z.string()).meta({ description: 'How it signed in (RFC 8176): "pwd", "siwe"' }),
  created_at: timestamp,
  last_active_at: timestamp.meta({ description: 'Its last token refresh, or its sign-in' }),
  expires_at: timestamp,
});

export const sessionListSchema = z.object({ sessions: z.array(sessionSchema).max(MAX_SESSIONS) });

export function toSessionList(sessions: SessionInfo[]): z.input<typeof sessionListSchema> {
  return {
    sessions: sessions.map((session) => ({
      id: session.id,
      current: session.current,
      amr: session.amr,
      created_at: session.createdAt,
      last_active_at: session.lastActiveAt,
      expires_at: session.expiresAt,
    })),
  };
}

/** The password again, and either the sessions to end or all the others. */
export const revokeSessionsBody = z
  .strictObject({
    current_password: passwordField,
    session_ids: z.array(z.uuid()).min(1).max(MAX_SESSIONS).optional(),
    all_others: z.literal(true).optional().meta({ description: 'End every session but this one' }),
  })
  .refine((body) => (body.session_ids === undefined) !== (body.all_others === undefined), 'Send session_ids or all_others: true, not both.')
  .meta({ description: 'current_password, and exactly one of session_ids and all_others.' });

export const revokedSessionsSchema = z.object({
  revoked_session_ids: z.array(z.uuid()).meta({ description: 'The sessions ended: those named that were yours and still open' }),
});
