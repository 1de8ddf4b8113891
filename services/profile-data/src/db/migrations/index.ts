import { Migration20261123000001Initial } from './Migration20261123000001Initial.ts';

/** Every migration of the profile_data schema, oldest first. */
export const profileDataMigrations = [{ name: 'Migration20261123000001Initial', class: Migration20261123000001Initial }];
