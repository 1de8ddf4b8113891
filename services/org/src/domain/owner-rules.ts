import { AppError } from '#libs/errors';
import { hasAtLeast, type Role } from './roles.ts';

/**
 * Who may change whose role: ADMIN and OWNER manage MEMBER and ADMIN roles; only an OWNER
 * grants OWNER, demotes an OWNER or otherwise touches another OWNER.
 */
export function assertMayChangeRole(actor: Role, target: Role, next: Role): void {
  if (!hasAtLeast(actor, 'ADMIN')) throw AppError.forbidden();
  if ((target === 'OWNER' || next === 'OWNER') && actor !== 'OWNER') throw AppError.forbidden('Only an owner can grant or change the owner role.');
}

/** Anyone may leave; otherwise ADMIN and OWNER remove members, and only an OWNER removes an OWNER. */
export function assertMayRemove(actor: Role, target: Role, removingSelf: boolean): void {
  if (removingSelf) return;
  if (!hasAtLeast(actor, 'ADMIN')) throw AppError.forbidden();
  if (target === 'OWNER' && actor !== 'OWNER') throw AppError.forbidden('Only an owner can remove an owner.');
}

/**
 * An organization always keeps an OWNER. `ownerCount` must be read under the organization's
 * row lock, so two concurrent changes cannot both see "another owner remains".
 */
export function assertOwnerRemains(target: Role, next: Role | undefined, ownerCount: number): void {
  const losesOwner = target === 'OWNER' && next !== 'OWNER';
  if (losesOwner && ownerCount <= 1) throw AppError.conflict('The last owner of an organization can be neither demoted nor removed.');
}
