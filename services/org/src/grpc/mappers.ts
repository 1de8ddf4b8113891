import type {
  Invitation as InvitationMessage,
  Member as MemberMessage,
  Organization as OrganizationMessage,
  OrganizationSettings as SettingsMessage,
} from '#gen/egp/org/v1/org_service';
import type { Invitation, Member, Organization, OrganizationSettings } from '../db/entities/index.ts';
import { invitationStatus } from '../domain/invitation-tokens.ts';

export function toOrganizationMessage(organization: Organization): OrganizationMessage {
  return {
    id: organization.id,
    name: organization.name,
    createdAt: organization.createdAt.toISOString(),
    updatedAt: organization.updatedAt.toISOString(),
  };
}

export function toSettingsMessage(settings: OrganizationSettings): SettingsMessage {
  return {
    organizationId: settings.organizationId,
    loginMethods: settings.loginMethods,
    passwordPolicy: settings.passwordPolicySource,
    require2fa: settings.require2fa,
    ssoEnabled: settings.ssoEnabled,
    ssoDomain: settings.ssoDomain ?? undefined,
    ssoOidcClientId: settings.ssoOidcClientId ?? undefined,
    ssoOidcDiscoveryUrl: settings.ssoOidcDiscoveryUrl ?? undefined,
    ssoProvider: settings.ssoProvider ?? undefined,
    updatedAt: settings.updatedAt.toISOString(),
  };
}

export function toMemberMessage(member: Member): MemberMessage {
  return { organizationId: member.organizationId, userId: member.userId, role: member.role, joinedAt: member.joinedAt.toISOString() };
}

/** Never carries the token: only its hash is stored, and the hash stays inside. */
export function toInvitationMessage(invitation: Invitation, now: Date): InvitationMessage {
  return {
    id: invitation.id,
    organizationId: invitation.organizationId,
    email: invitation.email,
    role: invitation.role,
    status: invitationStatus(invitation, now),
    expiresAt: invitation.expiresAt.toISOString(),
    createdAt: invitation.createdAt.toISOString(),
  };
}
