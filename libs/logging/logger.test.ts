import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, withRequestId } from './logger.ts';

function capture(): { lines: Record<string, unknown>[]; stream: Writable } {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  return { lines, stream };
}

describe(createLogger.name, () => {
  it('writes JSON with the request id and redacts secrets', async () => {
    const { lines, stream } = capture();
    const sut = createLogger('test', 'info', stream);
    withRequestId('req-1', () => sut.info({ password: 'hunter22', body: { refresh_token: 'r' } }, 'hello'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]).toMatchObject({ service: 'test', request_id: 'req-1', password: '[redacted]', msg: 'hello' });
    expect(JSON.stringify(lines[0])).not.toContain('hunter22');
    expect((lines[0]?.body as Record<string, unknown>).refresh_token).toBe('[redacted]');
  });
});
