import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** A tenant: every member, setting and invitation belongs to exactly one. */
export const OrganizationSchema = defineEntity({
  name: 'Organization',
  tableName: 'organizations',
  properties: {
    id: p.uuid().primary(),
    name: p.text(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type Organization = InferEntity<typeof OrganizationSchema>;
