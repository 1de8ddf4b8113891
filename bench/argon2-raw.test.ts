import { describe, expect, it } from 'vitest';
import { measureRawArgon2 } from './argon2-raw.ts';

describe(measureRawArgon2.name, () => {
  it('counts verifies of the right password on one hashing thread per loop', async () => {
    const parameters = { memoryKib: 1024, timeCost: 1, parallelism: 1 };

    const sut = await measureRawArgon2(parameters, 2, 200);

    expect(sut).toMatchObject({ parameters, loops: 2 });
    expect(sut.verifies).toBeGreaterThan(2);
    expect(sut.verifiesPerSecond).toBeCloseTo(sut.verifies / sut.seconds, 6);
    expect(sut.meanVerifyMs).toBeGreaterThan(0);
    expect(sut.seconds).toBeGreaterThanOrEqual(0.2);
  });
});
