import { Migration20261123000001Initial } from './Migration20261123000001Initial.ts';

/** Every migration of the org schema, oldest first; listed statically (no file globbing at run time). */
export const orgMigrations = [{ name: 'Migration20261123000001Initial', class: Migration20261123000001Initial }];
