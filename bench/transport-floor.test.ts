import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTransportFloor, type TransportFloor } from './transport-floor.ts';

describe('transport floor', () => {
  let sut: TransportFloor;

  beforeAll(async () => {
    sut = await startTransportFloor();
  });

  afterAll(async () => {
    await sut?.stop();
  });

  it('answers the fixed body directly and through the other process, by unary call and on a stream', async () => {
    const get = (path: string) => fetch(`http://127.0.0.1:${sut.port}${path}`, { headers: { authorization: 'Bearer x' } });
    const [direct, relayed, multiplexed] = await Promise.all([get('/direct'), get('/relay'), get('/multiplexed')]);
    expect([direct.status, relayed.status, multiplexed.status]).toEqual([200, 200, 200]);
    const body = (await direct.json()) as { email?: unknown; wallets?: unknown };
    expect(typeof body.email).toBe('string');
    expect(body.wallets).toEqual([]);
    expect(await relayed.json()).toEqual(body);
    expect(await multiplexed.json()).toEqual(body);
  });

  it('relays through the gRPC process: without it the relay fails', async () => {
    process.kill(sut.pids['floor-grpc']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const relayed = await fetch(`http://127.0.0.1:${sut.port}/relay`);
    const multiplexed = await fetch(`http://127.0.0.1:${sut.port}/multiplexed`);
    expect([relayed.status, multiplexed.status]).toEqual([502, 502]);
  });

  it('stops both processes', async () => {
    const pids = Object.values(sut.pids);
    await sut.stop();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
