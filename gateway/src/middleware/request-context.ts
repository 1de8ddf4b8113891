import type { Principal } from '#libs/identity';

/**
 * What the gateway's middleware learns about a request, attached to Express's Request:
 * the request id (set first, by `requestId`) and the caller (set by `authenticate`).
 */
declare module 'express-serve-static-core' {
  interface Request {
    requestId: string;
    /** `performance.now()` when the request arrived; the gRPC deadline budget starts here. */
    receivedAt: number;
    /**
     * Who is calling, verified on first use. Unset until `authenticate` ran; routes read the
     * caller through the route guard only, which never asks on routes anyone may call.
     */
    resolvePrincipal?: () => Promise<Principal>;
  }
}

export {};
