import { AuthServiceService } from '#gen/egp/auth/v1/auth_service';
import { isAppError } from '#libs/errors';
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

/**
 * Runs an operator command's call and ends the process the way a shell expects: what the
 * service refused as one line on stderr and exit 1 (its reason is for the operator, not a
 * stack trace); anything else unexpected keeps its stack, also exit 1.
 */
export async function runOperatorCall(command: string, call: () => Promise<string>): Promise<void> {
  try {
    console.log(await call());
  } catch (error) {
    if (isAppError(error)) console.error(`${command}: ${error.message} (${error.code})`);
    else console.error(error);
    process.exitCode = 1;
  }
}
