import { Migration20261123000001Initial } from './Migration20261123000001Initial.ts';
import { Migration20261124000001ProfileCopy } from './Migration20261124000001ProfileCopy.ts';
import { Migration20261124000002SessionPurge } from './Migration20261124000002SessionPurge.ts';

/** Every migration of the auth schema, oldest first; listed statically (no file globbing at run time). */
export const authMigrations = [
  { name: 'Migration20261123000001Initial', class: Migration20261123000001Initial },
  { name: 'Migration20261124000001ProfileCopy', class: Migration20261124000001ProfileCopy },
  { name: 'Migration20261124000002SessionPurge', class: Migration20261124000002SessionPurge },
];
