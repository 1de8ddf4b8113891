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
    /** Unset until `authenticate` ran; routes read it through the route guard only. */
    principal?: Principal;
  }
}

export {};
