import { AuthServiceService } from '#gen/egp/auth/v1/auth_service';
import { createGrpcClient } from '#libs/grpc';
import { AssertionSigner } from '#libs/identity';
import { loadOperatorConfig } from './config.ts';

/** The principal operator commands call as: a service, named for the audit log. */
export const OPERATOR = { principal: { kind: 'service', service: 'operator' } } as const;

/**
 * A client of the auth service that calls as the operator; `caller` names the command in
 * auth's logs. `timeoutMs`: how long a call may take (ending every user's sessions takes a
 * while on a large database: the client must not give up while the server goes on).
 */
export function operatorAuthClient(caller: string, timeoutMs = 30_000) {
  const config = loadOperatorConfig();
  return createGrpcClient(AuthServiceService, {
    address: config.AUTH_GRPC_ADDR,
    caller,
    assertions: new AssertionSigner(config.INTERNAL_AUTH_SECRET),
    defaultTimeoutMs: timeoutMs,
  });
}

/** Ends the command with its usage line (exit 2): an argument it does not know. */
export function usageError(message: string, usage: string): never {
  console.error(`${message}; usage: ${usage}`);
  process.exit(2);
}
