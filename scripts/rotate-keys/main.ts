import { AuthServiceService } from '#gen/egp/auth/v1/auth_service';
import { createGrpcClient } from '#libs/grpc';
import { AssertionSigner } from '#libs/identity';
import { loadRotateKeysConfig } from './config.ts';

/**
 * `npm run keys:rotate`: promotes the published `next` signing key to current. Tokens signed
 * by the old key keep verifying (it stays published as `previous`); every auth replica picks
 * the new key up within SIGNING_KEY_REFRESH_SECONDS. Refused while the next key is younger
 * than SIGNING_KEY_MIN_PUBLISHED_SECONDS; `npm run keys:rotate -- --force` rotates anyway
 * (a compromised key), and verifiers that have not fetched the new key refuse its tokens a while.
 */
const args = process.argv.slice(2);
const unknown = args.filter((arg) => arg !== '--force');
if (unknown.length > 0) {
  console.error(`unknown argument ${unknown.join(' ')}; usage: npm run keys:rotate [-- --force]`);
  process.exit(2);
}
const config = loadRotateKeysConfig();
const auth = createGrpcClient(AuthServiceService, {
  address: config.AUTH_GRPC_ADDR,
  caller: 'keys:rotate',
  assertions: new AssertionSigner(config.INTERNAL_AUTH_SECRET),
});
try {
  const { currentKid } = await auth.rotateSigningKeys({ force: args.includes('--force') }, { principal: { kind: 'service', service: 'operator' } });
  console.log(`signing keys rotated; current kid: ${currentKid}`);
} finally {
  auth.close();
}
