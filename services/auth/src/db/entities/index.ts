import { eventEntities } from '#libs/events';
import { RefreshTokenSchema, SessionSchema } from './session.ts';
import { SigningKeySchema } from './signing-key.ts';
import { UserSchema } from './user.ts';
import { WalletSchema } from './wallet.ts';

export const authEntities = [UserSchema, SessionSchema, RefreshTokenSchema, SigningKeySchema, WalletSchema, ...eventEntities];

export * from './session.ts';
export * from './signing-key.ts';
export * from './user.ts';
export * from './wallet.ts';
