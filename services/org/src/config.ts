import { z } from 'zod';
import { defaultGrpcAddresses, envFields, infrastructureEnv, loadConfig } from '#libs/config';

const MAX_INVITATION_TTL_SECONDS = 30 * 24 * 3600;

export const orgEnv = infrastructureEnv.extend({
  ORG_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.ORG_GRPC_ADDR),
  /** Where users are looked up (AddMember, accepting invitations). */
  AUTH_GRPC_ADDR: envFields.grpcAddress(defaultGrpcAddresses.AUTH_GRPC_ADDR),
  GRPC_TIMEOUT_MS: envFields.positiveInt(5_000),
  GRPC_MULTIPLEX: envFields.boolean(true),
  /** How long an invitation can be accepted; at most 30 days. */
  INVITATION_TTL_SECONDS: z.coerce.number().int().min(60).max(MAX_INVITATION_TTL_SECONDS).default(7 * 24 * 3600),
  /** The page that accepts an invitation; mails link to `<url>#token=<token>`, so the URL itself has no fragment. */
  INVITATION_ACCEPT_URL: z
    .url({ protocol: /^https?$/ })
    .refine((value) => !value.includes('#'), 'must not contain a fragment')
    .default('http://localhost:8080/invitations/accept'),
});

export type OrgConfig = z.infer<typeof orgEnv>;

export function loadOrgConfig(env: Record<string, string | undefined> = process.env): Readonly<OrgConfig> {
  return loadConfig(orgEnv, env);
}
