import type { EntityManager } from '@mikro-orm/postgresql';
import { uuidv7 } from '#libs/db';
import { AppError } from '#libs/errors';
import { recordEvent } from '#libs/events';
import type { Principal } from '#libs/identity';
import { VISIBLE_TEXT_MESSAGES, visibleTextProblem } from '#libs/visible-text';
import { MemberSchema, OrganizationSchema, type Organization } from '../db/entities/index.ts';
import { authorizeMember } from './authorization.ts';
import { requireOwnUser, requireUser } from './caller.ts';
import type { OrgDeps } from './deps.ts';
import { isUuid } from './ids.ts';
import { toPage, type PageRequest, type PageResult } from './pagination.ts';
import { createDefaultSettings } from './settings.ts';

const MAX_NAME_LENGTH = 100;

function parseName(raw: string): string {
  const name = raw.trim();
  const length = [...name].length;
  const invalid = (message: string) => AppError.validation('Invalid organization name.', [{ field: 'name', message }]);
  if (length < 1 || length > MAX_NAME_LENGTH) throw invalid(`must be 1 to ${MAX_NAME_LENGTH} characters`);
  const problem = visibleTextProblem(name);
  if (problem) throw invalid(VISIBLE_TEXT_MESSAGES[problem]);
  return name;
}

/** Creates the organization with default settings; the caller becomes its OWNER. */
export async function createOrganization(deps: OrgDeps, principal: Principal, rawName: string): Promise<Organization> {
  const ownerId = requireOwnUser(principal);
  const name = parseName(rawName);
  const now = deps.now();
  const organization = await deps.em.fork().transactional(async (em) => {
    const created = em.create(OrganizationSchema, { id: uuidv7(), name, createdAt: now, updatedAt: now });
    createDefaultSettings(em, created.id, now);
    em.create(MemberSchema, { organizationId: created.id, userId: ownerId, role: 'OWNER', joinedAt: now, customData: {} });
    recordEvent(em, { type: 'org.created', source: 'org', subject: created.id, data: { organization_id: created.id, name, owner_id: ownerId } });
    recordEvent(em, { type: 'org.member_added', source: 'org', subject: created.id, data: { organization_id: created.id, user_id: ownerId, role: 'OWNER' } });
    await em.flush();
    return created;
  });
  deps.afterCommit();
  return organization;
}

export async function getOrganization(deps: OrgDeps, rawOrganizationId: string, principal: Principal): Promise<Organization> {
  const em = deps.em.fork();
  const { organizationId } = await authorizeMember(em, rawOrganizationId, principal, 'MEMBER');
  const organization = await em.findOne(OrganizationSchema, { id: organizationId });
  if (!organization) throw AppError.notFound('Organization');
  return organization;
}

/** The caller's organizations in id (creation) order; a service token sees only the one it is bound to. */
export async function listMyOrganizations(deps: OrgDeps, principal: Principal, page: PageRequest): Promise<PageResult<Organization>> {
  const { userId, boundTo } = requireUser(principal);
  if (boundTo !== undefined && !isUuid(boundTo)) return { items: [], nextCursor: undefined };
  const em = deps.em.fork();
  const organizationIdFilter = {
    ...(page.after === undefined ? {} : { $gt: page.after }),
    ...(boundTo === undefined ? {} : { $eq: boundTo }),
  };
  const memberships = await em.find(
    MemberSchema,
    { userId, ...(Object.keys(organizationIdFilter).length > 0 ? { organizationId: organizationIdFilter } : {}) },
    { orderBy: { organizationId: 'asc' }, limit: page.limit + 1, fields: ['organizationId'] },
  );
  const ids = memberships.map((membership) => membership.organizationId);
  const organizations = await findInOrder(em, ids);
  return toPage(organizations, page.limit, (organization) => organization.id);
}

async function findInOrder(em: EntityManager, ids: string[]): Promise<Organization[]> {
  if (ids.length === 0) return [];
  const rows = await em.find(OrganizationSchema, { id: { $in: ids } });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}
