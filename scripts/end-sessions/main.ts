import { isUuid } from '#libs/db';
import { OPERATOR, operatorAuthClient, runOperatorCall, usageError } from '../operator/auth-client.ts';

/**
 * `npm run sessions:end -- --user <user id>` ends every open session of one user (a
 * compromised account); `npm run sessions:end -- --all-users` ends every user's (a breach).
 * Their tokens stop working within a second and the users sign in again. Calls the auth
 * service's EndSessions RPC; needs INTERNAL_AUTH_SECRET and AUTH_GRPC_ADDR.
 */
const USAGE = 'npm run sessions:end -- --user <user id> | --all-users';
const args = process.argv.slice(2);
const target =
  args.length === 2 && args[0] === '--user' ? { userId: args[1]!, allUsers: false }
  : args.length === 1 && args[0] === '--all-users' ? { userId: '', allUsers: true }
  : usageError(`cannot read ${JSON.stringify(args.join(' '))}`, USAGE);
if (!target.allUsers && !isUuid(target.userId)) usageError(`${JSON.stringify(target.userId)} is not a user id (a UUID)`, USAGE);
// About 500 sessions per transaction: an hour covers tens of millions.
const auth = operatorAuthClient('sessions:end', 3_600_000);
try {
  await runOperatorCall('sessions:end', async () => `${(await auth.endSessions(target, OPERATOR)).endedSessions} session(s) ended`);
} finally {
  auth.close();
}
