/** A response with its body read: parsed JSON when it is JSON, text otherwise, undefined when empty. */
export interface ApiResponse<Body = unknown> {
  status: number;
  headers: Headers;
  body: Body;
}

export interface ApiRequestOptions {
  /** Sent as JSON unless a string, which is sent as is (with the content type you set). */
  body?: unknown;
  /** A bearer token for the Authorization header. */
  token?: string;
  headers?: Record<string, string>;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  const type = response.headers.get('content-type') ?? '';
  return /^application\/(problem\+)?json/.test(type) ? JSON.parse(text) : text;
}

/**
 * A small client for the public HTTP API of a running gateway, for e2e tests. `baseUrl` is
 * read per request, so it can be created before the system has started.
 */
export function httpApi(baseUrl: () => string) {
  async function request<Body = unknown>(method: string, path: string, options: ApiRequestOptions = {}): Promise<ApiResponse<Body>> {
    const headers: Record<string, string> = {};
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(`${baseUrl()}${path}`, {
      method,
      headers: { ...headers, ...options.headers },
      body: options.body === undefined ? undefined : typeof options.body === 'string' ? options.body : JSON.stringify(options.body),
    });
    return { status: response.status, headers: response.headers, body: (await readBody(response)) as Body };
  }
  return {
    request,
    get: <Body = unknown>(path: string, options?: ApiRequestOptions) => request<Body>('GET', path, options),
    post: <Body = unknown>(path: string, body?: unknown, options?: ApiRequestOptions) => request<Body>('POST', path, { ...options, body }),
    put: <Body = unknown>(path: string, body?: unknown, options?: ApiRequestOptions) => request<Body>('PUT', path, { ...options, body }),
    delete: <Body = unknown>(path: string, options?: ApiRequestOptions) => request<Body>('DELETE', path, options),
  };
}

export type HttpApi = ReturnType<typeof httpApi>;
