/**
 * Incremental HTTP/1.1 response parsing for the load generator: just enough to find where
 * each response ends on a keep-alive connection (Content-Length, chunked, or no body), and
 * its status. Headers other than the framing ones are never decoded.
 */
export interface ParsedResponse {
  status: number;
  /** The server asked to close the connection after this response. */
  close: boolean;
}

const HEADER_END = Buffer.from('\r\n\r\n');
const CRLF = Buffer.from('\r\n');

interface Head {
  status: number;
  close: boolean;
  bodyStart: number;
  contentLength: number | undefined;
  chunked: boolean;
}

function parseHead(buffer: Buffer, end: number): Head {
  const lines = buffer.toString('latin1', 0, end).split('\r\n');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1]);
  if (!Number.isInteger(status)) throw new Error(`not an HTTP response: ${JSON.stringify(lines[0])}`);
  let contentLength: number | undefined;
  let chunked = false;
  let close = false;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim().toLowerCase();
    if (name === 'content-length') contentLength = Number(value);
    else if (name === 'transfer-encoding') chunked = value.split(',').some((coding) => coding.trim() === 'chunked');
    else if (name === 'connection') close = value.split(',').some((option) => option.trim() === 'close');
  }
  return { status, close, bodyStart: end + HEADER_END.length, contentLength, chunked };
}

/** Where a chunked body ends (just past its last CRLF), or undefined when more bytes are needed. */
function chunkedBodyEnd(buffer: Buffer, start: number): number | undefined {
  let position = start;
  for (;;) {
    const lineEnd = buffer.indexOf(CRLF, position);
    if (lineEnd < 0) return undefined;
    const size = Number.parseInt(buffer.toString('latin1', position, lineEnd).split(';')[0]!, 16);
    if (!Number.isFinite(size)) throw new Error('malformed chunk size');
    if (size === 0) {
      // Trailers (if any) end with an empty line.
      const trailersEnd = buffer.indexOf(CRLF, lineEnd + CRLF.length);
      if (trailersEnd < 0) return undefined;
      if (trailersEnd === lineEnd + CRLF.length) return trailersEnd + CRLF.length;
      const end = buffer.indexOf(HEADER_END, lineEnd);
      return end < 0 ? undefined : end + HEADER_END.length;
    }
    position = lineEnd + CRLF.length + size + CRLF.length;
    if (position > buffer.length) return undefined;
  }
}

/** Feeds bytes from one connection; yields each complete response in order. */
export class HttpResponseParser {
  #buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): ParsedResponse[] {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const responses: ParsedResponse[] = [];
    for (;;) {
      const headEnd = this.#buffer.indexOf(HEADER_END);
      if (headEnd < 0) return responses;
      const head = parseHead(this.#buffer, headEnd);
      const end = this.#bodyEnd(head);
      if (end === undefined) return responses;
      responses.push({ status: head.status, close: head.close });
      this.#buffer = this.#buffer.subarray(end);
    }
  }

  #bodyEnd(head: Head): number | undefined {
    const noBody = head.status === 204 || head.status === 304 || (head.status >= 100 && head.status < 200);
    if (noBody) return head.bodyStart;
    if (head.chunked) return chunkedBodyEnd(this.#buffer, head.bodyStart);
    if (head.contentLength === undefined) throw new Error('responses without Content-Length or chunking are not supported');
    const end = head.bodyStart + head.contentLength;
    return end <= this.#buffer.length ? end : undefined;
  }
}
