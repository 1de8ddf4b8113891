import { describe, expect, it } from 'vitest';
import { LogCapture } from '#libs/testing';
import { createLogger, withRequestId } from './logger.ts';

describe(createLogger.name, () => {
  it('writes JSON with the request id and redacts secrets', async () => {
    const capture = new LogCapture();
    const { lines } = capture;
    const sut = createLogger('test', 'info', capture);
    withRequestId('req-1', () => sut.info({ password: 'hunter22', body: { refresh_token: 'r' } }, 'hello'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(lines[0]).toMatchObject({ service: 'test', request_id: 'req-1', password: '[redacted]', msg: 'hello' });
    expect(JSON.stringify(lines[0])).not.toContain('hunter22');
    expect((lines[0]?.body as Record<string, unknown>).refresh_token).toBe('[redacted]');
  });
});
