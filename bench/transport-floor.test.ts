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

  it('answers the fixed body directly and through one gRPC call to the other process', async () => {
    const direct = await fetch(`http://127.0.0.1:${sut.directPort}/direct`, { headers: { authorization: 'Bearer x' } });
    const relayed = await fetch(`http://127.0.0.1:${sut.relayPort}/relay`, { headers: { authorization: 'Bearer x' } });
    expect(direct.status).toBe(200);
    expect(relayed.status).toBe(200);
    const body = (await direct.json()) as { email?: unknown; wallets?: unknown };
    expect(typeof body.email).toBe('string');
    expect(body.wallets).toEqual([]);
    expect(await relayed.json()).toEqual(body);
  });

  it('relays through the gRPC process: without it the relay fails', async () => {
    process.kill(sut.pids['floor-grpc']);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const relayed = await fetch(`http://127.0.0.1:${sut.relayPort}/relay`);
    expect(relayed.status).toBe(502);
  });

  it('stops both processes', async () => {
    const pids = Object.values(sut.pids);
    await sut.stop();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
