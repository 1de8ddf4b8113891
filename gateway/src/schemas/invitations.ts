import { z } from 'zod';
import type { Invitation } from '#gen/egp/org/v1/org_service';
import { writableBody } from '../middleware/validation.ts';
import { emailField } from './auth.ts';
import { grantableRoleField, idField } from './organizations.ts';
import { timestamp } from './timestamp.ts';

export const invitationStatusField = z.enum(['PENDING', 'ACCEPTED', 'REVOKED', 'EXPIRED']);

/** An invitation as lists show it: never with its token (only its hash is stored). */
export const invitationSchema = z.object({
  id: idField,
  organization_id: idField,
  email: z.string(),
  role: grantableRoleField,
  status: invitationStatusField,
  expires_at: timestamp,
  created_at: timestamp,
});

/** The answer to sending one: the token, shown this once (API.md, "Invitations"). */
export const createdInvitationSchema = z.object({
  id: idField,
  organization_id: idField,
  email: z.string(),
  role: grantableRoleField,
  status: invitationStatusField,
  expires_at: timestamp,
  token: z.string().meta({ description: 'Shown once; the invitee presents it to POST /invitations/accept' }),
});

export function toInvitationView(invitation: Invitation): z.input<typeof invitationSchema> {
  return {
    id: invitation.id,
    organization_id: invitation.organizationId,
    email: invitation.email,
    role: invitation.role as z.input<typeof grantableRoleField>,
    status: invitation.status as z.input<typeof invitationStatusField>,
    expires_at: invitation.expiresAt,
    created_at: invitation.createdAt,
  };
}

export const createInvitationBody = writableBody({ email: emailField, role: grantableRoleField });

export const acceptInvitationBody = writableBody({
  token: z.string().min(1).max(512).meta({ description: 'The token from the invitation' }),
});
