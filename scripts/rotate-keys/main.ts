import { OPERATOR, operatorAuthClient, runOperatorCall, usageError } from '../operator/auth-client.ts';

/**
 * `npm run keys:rotate`: promotes the published `next` signing key to current. Tokens signed
 * by the old key keep verifying (it stays published as `previous`); every auth replica picks
 * the new key up within SIGNING_KEY_REFRESH_SECONDS. Refused while the next key is younger
 * than SIGNING_KEY_MIN_PUBLISHED_SECONDS; `npm run keys:rotate -- --force` rotates anyway
 * (a compromised key), and verifiers that have not fetched the new key refuse its tokens a while.
 */
const args = process.argv.slice(2);
const unknown = args.find((arg) => arg !== '--force');
if (unknown !== undefined) usageError(`unknown argument ${unknown}`, 'npm run keys:rotate [-- --force]');
const auth = operatorAuthClient('keys:rotate');
try {
  await runOperatorCall('keys:rotate', async () => {
    const { currentKid } = await auth.rotateSigningKeys({ force: args.includes('--force') }, OPERATOR);
    return `signing keys rotated; current kid: ${currentKid}`;
  });
} finally {
  auth.close();
}
