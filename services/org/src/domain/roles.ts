import { AppError } from '#libs/errors';

export const roles = ['OWNER', 'ADMIN', 'MEMBER'] as const;
export type Role = (typeof roles)[number];

/** The roles a member can be given by AddMember or an invitation; OWNER only by an OWNER's role change. */
export const grantableRoles = ['ADMIN', 'MEMBER'] as const satisfies readonly Role[];
export type GrantableRole = (typeof grantableRoles)[number];

const rank: Record<Role, number> = { MEMBER: 1, ADMIN: 2, OWNER: 3 };

/** OWNER > ADMIN > MEMBER. */
export function hasAtLeast(role: Role, minimum: Role): boolean {
  return rank[role] >= rank[minimum];
}

export function parseRole<const Allowed extends readonly Role[]>(value: string, allowed: Allowed): Allowed[number] {
  const found = allowed.find((role) => role === value);
  if (found === undefined) {
    throw AppError.validation('Invalid role.', [{ field: 'role', message: `must be one of ${allowed.join(', ')}` }]);
  }
  return found;
}
