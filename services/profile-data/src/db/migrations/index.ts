import { Migration20261123000001Initial } from './Migration20261123000001Initial.ts';
import { Migration20261123000002AccountProjection } from './Migration20261123000002AccountProjection.ts';

/** Every migration of the profile_data schema, oldest first. */
export const profileDataMigrations = [
  { name: 'Migration20261123000001Initial', class: Migration20261123000001Initial },
  { name: 'Migration20261123000002AccountProjection', class: Migration20261123000002AccountProjection },
];
