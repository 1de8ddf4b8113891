import { eventEntities } from '#libs/events';
import { InvitationSchema } from './invitation.ts';
import { MemberSchema } from './member.ts';
import { OrganizationSettingsSchema } from './organization-settings.ts';
import { OrganizationSchema } from './organization.ts';

export const orgEntities = [OrganizationSchema, OrganizationSettingsSchema, MemberSchema, InvitationSchema, ...eventEntities];

export * from './invitation.ts';
export * from './member.ts';
export * from './organization-settings.ts';
export * from './organization.ts';
