/**
 * Who a call is made for, as the gateway (or a calling service) vouches for it.
 * Services read identity only from a verified assertion, never from loose metadata.
 */
export type Principal =
  | { kind: 'anonymous'; ip?: string | undefined }
  | {
      kind: 'user';
      userId: string;
      sessionId: string;
      /** `access` for a user's own token; `service` for a token from token exchange. */
      tokenType: 'access' | 'service';
      /** The organization a service token is bound to. */
      organizationId?: string | undefined;
      amr?: string[] | undefined;
      /** What a service token was narrowed to at exchange; access tokens carry none. */
      scopes?: string[] | undefined;
      ip?: string | undefined;
    }
  | {
      kind: 'api_key';
      keyId: string;
      appId: string;
      organizationId: string;
      scopes: string[];
      ip?: string | undefined;
    }
  | { kind: 'service'; service: string };

export type PrincipalKind = Principal['kind'];

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;
export type ApiKeyPrincipal = Extract<Principal, { kind: 'api_key' }>;
