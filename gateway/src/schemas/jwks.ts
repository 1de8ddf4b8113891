import { z } from 'zod';

/** Public key fields only; a private part (`d`) can never be echoed, even by mistake upstream. */
export const jwksSchema = z.object({
  keys: z.array(
    z.object({
      kid: z.string(),
      kty: z.string(),
      crv: z.string(),
      x: z.string(),
      alg: z.string(),
      use: z.string(),
    }),
  ),
});
