import type { IRouter, Request, Response } from 'express';
import type { z } from 'zod';
import { AppError, type FieldError } from '#libs/errors';
import type { CallOptions } from '#libs/grpc';
import type { Principal, UserPrincipal } from '#libs/identity';
import { anonymousPrincipal, resolveCaller } from '../middleware/authenticate.ts';
import { accessDenied } from '../middleware/security-log.ts';
import { toFieldErrors } from '../middleware/validation.ts';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
/**
 * Who may call a route. `user`: a user with their own access token. `user_or_service_token`:
 * also a service token from token exchange, for routes inside one organization; the token is
 * bound to that organization, and the service owning the route confines it there (404
 * elsewhere). `api_key` and `user_or_api_key` arrive with API keys.
 */
export type RouteAuth = 'none' | 'user' | 'user_or_service_token';
export type SuccessStatus = 200 | 201 | 202 | 204;
export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 429 | 500 | 503;

/** The success response (a schema, or `null` for no content) and the errors worth documenting. */
export type ResponseMap = { [Status in SuccessStatus]?: z.ZodType | null } & { [Status in ErrorStatus]?: string };

export interface RouteSpec<Auth extends RouteAuth, Body, Query, Params, Responses extends ResponseMap> {
  method: HttpMethod;
  /** Express path (`/api/v1/apps/:appId`); the OpenAPI document shows `{appId}`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  auth: Auth;
  body?: Body;
  query?: Query;
  params?: Params;
  responses: Responses;
  /** Fixed response headers, e.g. caching. */
  headers?: Record<string, string>;
}

/** A route as the OpenAPI document sees it. */
export type Operation = RouteSpec<RouteAuth, z.ZodType, z.ZodType, z.ZodType, ResponseMap> & { successStatus: SuccessStatus };

type Parsed<Schema> = Schema extends z.ZodType ? z.output<Schema> : undefined;
type SuccessSchema<Responses> = Responses[Extract<keyof Responses, SuccessStatus>];
type SuccessBody<Responses> = SuccessSchema<Responses> extends z.ZodType ? z.input<SuccessSchema<Responses>> : void;

export interface RouteContext<Auth extends RouteAuth, Body, Query, Params> {
  body: Parsed<Body>;
  query: Parsed<Query>;
  params: Parsed<Params>;
  principal: Auth extends 'user' | 'user_or_service_token' ? UserPrincipal : Principal;
  /** Pass to every gRPC call: who for, which request, and when the client stops waiting. */
  call: CallOptions;
  req: Request;
  res: Response;
}

/** An Express router plus the operations registered on it, for the OpenAPI document. */
export interface ApiRouter {
  express: IRouter;
  operations: Operation[];
  /** Time budget for all downstream calls of one request. */
  deadlineMs: number;
}

/** Routes go straight onto `express`, the app itself: no sub-router to walk on every request. */
export function createApiRouter(deadlineMs: number, express: IRouter): ApiRouter {
  return { express, operations: [], deadlineMs };
}

function successStatusOf(spec: { method: string; path: string; responses: ResponseMap }): SuccessStatus {
  const statuses = Object.keys(spec.responses).map(Number).filter((status) => status < 300);
  if (statuses.length !== 1) throw new Error(`${spec.method} ${spec.path} must declare exactly one success status.`);
  return statuses[0] as SuccessStatus;
}

export const SERVICE_TOKEN_REFUSED_MESSAGE = "This route needs the user's own access token, not a service token.";

/**
 * Routes anyone may call ignore credentials altogether (valid, expired or garbage): a client
 * attaching its token to every call must still be able to sign in and refresh. Elsewhere the
 * credentials are verified, then the caller's kind checked. A valid service token where the
 * user's own token is needed is a 403: the caller is known, re-authenticating would not help.
 */
async function authorize(auth: RouteAuth, req: Request, res: Response): Promise<Principal> {
  if (auth === 'none') return anonymousPrincipal(req);
  const caller = await resolveCaller(req, res);
  if (caller.kind !== 'user') throw AppError.unauthenticated();
  if (auth === 'user' && caller.tokenType !== 'access') throw accessDenied(SERVICE_TOKEN_REFUSED_MESSAGE, 'service_token_on_user_route', caller);
  return caller;
}

function parsePart(part: 'body' | 'query' | 'params', schema: unknown, input: unknown, errors: FieldError[]): unknown {
  if (schema === undefined) return undefined;
  const result = (schema as z.ZodType).safeParse(input);
  if (result.success) return result.data;
  errors.push(...toFieldErrors(part, result.error));
  return undefined;
}

/**
 * Declares a route in one place (Logto's guard): who may call it, the schemas of body,
 * query and params, and its responses. The guard authorizes, validates every part (all
 * field errors in one 400), runs the handler, and re-parses the result through the success
 * schema, so a field the schema does not name never leaves the gateway.
 */
export function defineRoute<
  const Responses extends ResponseMap,
  Auth extends RouteAuth,
  Body extends z.ZodType | undefined = undefined,
  Query extends z.ZodType | undefined = undefined,
  Params extends z.ZodType | undefined = undefined,
>(
  router: ApiRouter,
  spec: RouteSpec<Auth, Body, Query, Params, Responses>,
  handler: (context: RouteContext<Auth, Body, Query, Params>) => Promise<SuccessBody<Responses>>,
): void {
  const successStatus = successStatusOf(spec);
  const successSchema = spec.responses[successStatus];
  router.operations.push({ ...(spec as unknown as Operation), successStatus });

  router.express[spec.method](spec.path, async (req: Request, res: Response) => {
    const principal = await authorize(spec.auth, req, res);
    const errors: FieldError[] = [];
    const body = parsePart('body', spec.body, req.body, errors);
    const query = parsePart('query', spec.query, req.query, errors);
    const params = parsePart('params', spec.params, req.params, errors);
    if (errors.length > 0) throw AppError.validation('The request is invalid.', errors);

    const deadline = new Date(Date.now() + router.deadlineMs - (performance.now() - req.receivedAt));
    const call: CallOptions = { principal, requestId: req.requestId, deadline };
    const context = { body, query, params, principal, call, req, res } as RouteContext<Auth, Body, Query, Params>;
    const result: unknown = await handler(context);

    for (const [name, value] of Object.entries(spec.headers ?? {})) res.setHeader(name, value);
    // A route's own caching rule replaces the API's no-store, the HTTP/1.0 spelling included.
    if (spec.headers?.['Cache-Control'] !== undefined) res.removeHeader('Pragma');
    if (!successSchema) {
      res.status(successStatus).end();
      return;
    }
    const output = successSchema.safeParse(result);
    if (!output.success) throw AppError.internal(new Error(`Response of ${spec.method} ${spec.path} broke its schema: ${output.error.message}`));
    res.status(successStatus).json(output.data);
  });
}
