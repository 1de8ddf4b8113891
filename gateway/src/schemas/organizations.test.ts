import { describe, expect, it } from 'vitest';
import { isAppError } from '#libs/errors';
import { toFieldErrors } from '../middleware/validation.ts';
import { acceptInvitationBody, createInvitationBody } from './invitations.ts';
import { addMemberBody, createOrganizationBody, knownIds, updateMemberRoleBody } from './organizations.ts';

const userId = '0196b6c8-0000-7000-8000-000000000002';

function fieldsRejected(schema: typeof addMemberBody | typeof createOrganizationBody | typeof updateMemberRoleBody | typeof createInvitationBody | typeof acceptInvitationBody, body: unknown): string[] {
  const result = schema.safeParse(body);
  return result.success ? [] : toFieldErrors('body', result.error).map((error) => error.field);
}

describe(knownIds.name, () => {
  it('passes UUIDs through, of any version', () => {
    const params = { orgId: 'A1B2C3D4-E5F6-7890-1234-567890ABCDEF', userId };
    expect(knownIds(params)).toBe(params);
  });

  it.each(['42', 'me', 'a1b2c3d4e5f67890', `${userId}x`, "' or 1=1 --"])('answers %s with NOT_FOUND, never a validation error', (bad) => {
    try {
      knownIds({ orgId: userId, userId: bad });
      expect.unreachable();
    } catch (error) {
      expect(isAppError(error) && error.code).toBe('NOT_FOUND');
    }
  });
});

describe('request bodies', () => {
  it('trims an organization name and bounds it to 1-100 characters', () => {
    expect(createOrganizationBody.parse({ name: '  Acme  ' })).toEqual({ name: 'Acme' });
    expect(fieldsRejected(createOrganizationBody, { name: '   ' })).toEqual(['name']);
    expect(fieldsRejected(createOrganizationBody, { name: 'x'.repeat(101) })).toEqual(['name']);
    expect(fieldsRejected(createOrganizationBody, { name: 'x'.repeat(100) })).toEqual([]);
  });

  it.each(['Acme\u0000', 'Ac\u0085me', '\u202EemcA', 'Acme\u2067'])('refuses control and bidi override characters in an organization name (%j)', (name) => {
    expect(fieldsRejected(createOrganizationBody, { name })).toEqual(['name']);
  });

  it.each([
    ['create organization', createOrganizationBody, { name: 'Acme' }, ['owner_id', 'role', 'user_id']],
    ['add member', addMemberBody, { user_id: userId, role: 'MEMBER' }, ['owner_id', 'custom_data', 'joined_at']],
    ['update role', updateMemberRoleBody, { role: 'ADMIN' }, ['user_id', 'owner_id']],
    ['invite', createInvitationBody, { email: 'bob@example.com', role: 'MEMBER' }, ['owner_id', 'user_id', 'status', 'token']],
    ['accept', acceptInvitationBody, { token: 'abc' }, ['role', 'user_id', 'owner_id']],
  ] as const)('%s refuses fields that could assign owners, roles or users', (_case, schema, valid, extras) => {
    expect(fieldsRejected(schema, valid)).toEqual([]);
    for (const extra of extras) expect(fieldsRejected(schema, { ...valid, [extra]: 'x' })).toEqual([extra]);
  });

  it.each([
    ['create organization', createOrganizationBody, { name: 'Acme' }],
    ['add member', addMemberBody, { user_id: userId, role: 'MEMBER' }],
    ['accept', acceptInvitationBody, { token: 'abc' }],
  ] as const)('%s ignores the read-only echo fields', (_case, schema, valid) => {
    const echoed = { ...valid, id: 'x', organization_id: 'o', created_at: 't', updated_at: 't' };
    expect(schema.parse(echoed)).toEqual(valid);
  });

  it('adds and invites only as MEMBER or ADMIN; a role change may grant OWNER', () => {
    expect(fieldsRejected(addMemberBody, { user_id: userId, role: 'OWNER' })).toEqual(['role']);
    expect(fieldsRejected(createInvitationBody, { email: 'bob@example.com', role: 'OWNER' })).toEqual(['role']);
    expect(fieldsRejected(addMemberBody, { user_id: userId, role: 'member' })).toEqual(['role']);
    expect(fieldsRejected(updateMemberRoleBody, { role: 'OWNER' })).toEqual([]);
    expect(fieldsRejected(updateMemberRoleBody, { role: 'ROOT' })).toEqual(['role']);
  });

  it('wants a UUID user_id and a plausible email', () => {
    expect(fieldsRejected(addMemberBody, { user_id: 'string', role: 'MEMBER' })).toEqual(['user_id']);
    expect(fieldsRejected(createInvitationBody, { email: 'not-an-email', role: 'MEMBER' })).toEqual(['email']);
  });
});
