import { AuthServiceService } from '#gen/egp/auth/v1/auth_service';
import { createGrpcClient } from '#libs/grpc';
import { AssertionSigner } from '#libs/identity';
import { loadRotateKeysConfig } from './config.ts';

/**
 * `npm run keys:rotate`: promotes the published `next` signing key to current. Tokens signed
 * by the old key keep verifying (it stays published as `previous`); every auth replica picks
 * the new key up within SIGNING_KEY_REFRESH_SECONDS.
 */
const config = loadRotateKeysConfig();
const auth = createGrpcClient(AuthServiceService, {
  address: config.AUTH_GRPC_ADDR,
  caller: 'keys:rotate',
  assertions: new AssertionSigner(config.INTERNAL_AUTH_SECRET),
});
try {
  const { currentKid } = await auth.rotateSigningKeys({}, { principal: { kind: 'service', service: 'operator' } });
  console.log(`signing keys rotated; current kid: ${currentKid}`);
} finally {
  auth.close();
}
