import { z } from 'zod';

/** Every time the API shows: an RFC 3339 string in UTC. */
export const timestamp = z.string().meta({ format: 'date-time', description: 'RFC 3339, UTC' });
