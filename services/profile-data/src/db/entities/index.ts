import { eventEntities } from '#libs/events';
import { ProfileSchema } from './profile.ts';

export const profileDataEntities = [ProfileSchema, ...eventEntities];

export * from './profile.ts';
