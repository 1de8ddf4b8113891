import { z } from 'zod';
import type { Member, Organization } from '#gen/egp/org/v1/org_service';
import { AppError } from '#libs/errors';
import { writableBody } from '../middleware/validation.ts';
import { visibleTextField } from './auth.ts';
import { timestamp } from './timestamp.ts';


/** Any 8-4-4-4-12 hex id, as the services accept (not only RFC 9562 variants). */
export const idField = z.guid();

/** A resource id in the path. Checked by `knownIds`, not by the schema: see there. */
const pathId = z.string().meta({ format: 'uuid' });

export const orgParams = z.object({ orgId: pathId });
export const memberParams = z.object({ orgId: pathId, userId: pathId });
export const invitationParams = z.object({ orgId: pathId, invitationId: pathId });

const resourceByParam: Record<string, string> = { orgId: 'Organization', userId: 'Member', invitationId: 'Invitation' };

/**
 * Path ids that are not UUIDs cannot name anything: 404, exactly as for an unknown or
 * foreign id. A 400 would let a caller tell "malformed" from "exists elsewhere" apart.
 */
export function knownIds<Params extends Record<string, string>>(params: Params): Params {
  for (const [name, value] of Object.entries(params)) {
    if (!idField.safeParse(value).success) throw AppError.notFound(resourceByParam[name] ?? 'Resource');
  }
  return params;
}

/** A message field the service must always fill; its absence is the service's bug. */
export function present<Value>(value: Value | undefined, what: string): Value {
  if (value === undefined) throw AppError.internal(new Error(`org returned no ${what}`));
  return value;
}

export const organizationSchema = z.object({
  id: idField,
  name: z.string(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const createOrganizationBody = writableBody({
  name: visibleTextField(100).meta({ description: '1 to 100 characters, trimmed, at least one visible; no control, format or bidi override characters (ZWJ and ZWNJ allowed)' }),
});

export function toOrganizationView(organization: Organization): z.input<typeof organizationSchema> {
  return { id: organization.id, name: organization.name, created_at: organization.createdAt, updated_at: organization.updatedAt };
}

export const roleField = z.enum(['OWNER', 'ADMIN', 'MEMBER']);
/** Roles that can be given by adding or inviting; OWNER is only granted by a role change. */
export const grantableRoleField = z.enum(['ADMIN', 'MEMBER']);

/** The member as the seed `egp-org-members-post.txt` shows it (keys in the seed's order). */
export const memberSchema = z.object({
  custom_data: z.record(z.string(), z.unknown()).meta({
    description: 'Always `{}` here; the document itself lives at GET /organizations/{orgId}/users/{userId}/custom',
  }),
  joined_at: timestamp,
  organization_id: idField,
  role: roleField,
  user_id: idField,
});

export function toMemberView(member: Member): z.input<typeof memberSchema> {
  return {
    custom_data: {},
    joined_at: member.joinedAt,
    organization_id: member.organizationId,
    role: member.role as z.input<typeof roleField>,
    user_id: member.userId,
  };
}

export const addMemberBody = writableBody({
  user_id: idField.meta({ description: 'An existing user (404 when there is none)' }),
  role: grantableRoleField,
});

export const updateMemberRoleBody = writableBody({ role: roleField });
