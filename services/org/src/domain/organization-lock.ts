import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { AppError } from '#libs/errors';
import { OrganizationSchema, type Organization } from '../db/entities/index.ts';

/**
 * The one lock order for changes to an organization's members and invitations: the
 * organization's row first, then member and invitation rows. Exclusive for role changes and
 * removals (they count owners and revoke what a member sent or was sent), shared for what
 * adds a member or an invitation, so those run side by side but never beside a role change.
 *
 * Why the row must come first everywhere: inserting a member or an invitation takes a
 * key-share lock on this row for the foreign key. An accept that locked its invitation and
 * then inserted the member deadlocked against a demotion holding this row and going on to
 * revoke that invitation.
 */
export async function lockOrganization(em: EntityManager, organizationId: string, mode: 'shared' | 'exclusive'): Promise<Organization> {
  const lockMode = mode === 'shared' ? LockMode.PESSIMISTIC_READ : LockMode.PESSIMISTIC_WRITE;
  const organization = await em.findOne(OrganizationSchema, { id: organizationId }, { lockMode, refresh: true });
  if (!organization) throw AppError.notFound('Organization');
  return organization;
}
