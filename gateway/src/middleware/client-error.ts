import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { AppError } from '#libs/errors';
import { REQUEST_ID_HEADER } from './request-id.ts';
import { API_HEADERS } from './security-headers.ts';
import { PROBLEM_CONTENT_TYPE, toProblem } from './problem.ts';

/** What Node's HTTP parser reports, by its error code, said the way the API says it. */
function describe(code: string | undefined): AppError {
  if (code === 'HPE_HEADER_OVERFLOW') return AppError.validation('The request headers are too large.');
  return AppError.validation('The request could not be read as HTTP/1.1.');
}

/** Connections whose current request is answered while its body still arrives (an early 413). */
const answeredBeforeBody = new WeakSet<Duplex>();

/**
 * Marks `req`'s connection as answered before its body arrived, until that body ends: if the
 * body then misses HTTP_REQUEST_TIMEOUT_MS, the connection is closed without a second answer.
 */
export function answeringBeforeBody(req: IncomingMessage): void {
  const { socket } = req;
  answeredBeforeBody.add(socket);
  req.once('end', () => answeredBeforeBody.delete(socket));
}

/**
 * Answers a request Node's HTTP parser refused (oversized headers, a bare CR, Content-Length
 * beside Transfer-Encoding…) before Express ever saw it: by default Node writes a bare 400 or
 * 431 with no body, request id or security headers. This writes the API's problem+json and
 * closes the connection, which the parser can no longer read. A request that timed out keeps
 * Node's 408 (unless it was answered already); a connection already gone gets nothing.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    if (answeredBeforeBody.has(socket)) {
      socket.destroy();
      return;
    }
    socket.end('HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n');
    return;
  }
  const requestId = randomUUID();
  const problem = toProblem(describe(error.code), requestId);
  const body = JSON.stringify(problem);
  const headers = [
    `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}`,
    `Content-Type: ${PROBLEM_CONTENT_TYPE}; charset=utf-8`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    `${REQUEST_ID_HEADER}: ${requestId}`,
    ...API_HEADERS.map(([name, value]) => `${name}: ${value}`),
    'Connection: close',
  ];
  socket.end(`${headers.join('\r\n')}\r\n\r\n${body}`);
}
