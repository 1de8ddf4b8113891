import { describe, expect, it } from 'vitest';
import { uuidv7 } from '#libs/db';
import { eventCatalog, eventTypes } from './catalog.ts';
import { InvalidEventError, parseEnvelope } from './envelope.ts';
import { eventTablesSql } from './event-tables-sql.ts';

/** The event types API.md promises, verbatim. */
const documentedTypes = [
  'user.registered', 'user.updated', 'user.password_changed', 'user.wallet_linked',
  'org.created', 'org.settings_updated', 'org.member_added', 'org.member_role_changed',
  'org.member_removed', 'org.invitation_created', 'org.invitation_accepted',
  'org.invitation_revoked', 'app.created', 'app.updated', 'app.deleted', 'apikey.created',
  'apikey.revoked', 'profile.custom_data_updated', 'profile.system_data_updated',
  'profile.inventory_item_changed', 'profile.metadata_changed',
];

describe('eventCatalog', () => {
  it('holds exactly the documented event types', () => {
    expect([...eventTypes].sort()).toEqual([...documentedTypes].sort());
    expect(Object.keys(eventCatalog)).toHaveLength(documentedTypes.length);
  });
});

describe(parseEnvelope.name, () => {
  const organizationId = uuidv7();
  const valid = {
    id: uuidv7(),
    type: 'org.member_role_changed',
    source: 'org',
    occurred_at: '2026-01-02T03:04:05.678Z',
    organization_id: organizationId,
    subject: organizationId,
    data: { organization_id: organizationId, user_id: uuidv7(), role: 'ADMIN', previous_role: 'MEMBER' },
  };

  it('accepts an envelope whose data matches its type', () => {
    expect(parseEnvelope(valid)).toEqual(valid);
  });

  it('rejects unknown types, bad envelopes and data that does not match the type', () => {
    expect(() => parseEnvelope({ ...valid, type: 'org.exploded' })).toThrow(InvalidEventError);
    expect(() => parseEnvelope({ ...valid, id: 'nope' })).toThrow(InvalidEventError);
    expect(() => parseEnvelope({ ...valid, data: { ...valid.data, role: 'KING' } })).toThrow(/org.member_role_changed/);
  });
});

describe(eventTablesSql.name, () => {
  it('qualifies every table with the schema and refuses names that need quoting', () => {
    const sut = eventTablesSql('org');
    expect(sut.join('\n')).toContain('"org"."outbox_events"');
    expect(sut.join('\n')).toContain('"org"."processed_events"');
    expect(() => eventTablesSql('org"; drop table x; --')).toThrow();
  });
});
