import { describe, expect, it } from 'vitest';
import { RedisScript, type ScriptStore } from './redis-script.ts';

/** Stands in for Redis only to steer the script-cache and failure paths. */
function scriptedStore(evalSha: ScriptStore['evalSha']): ScriptStore & { evalCalls: string[] } {
  const store = {
    evalCalls: [] as string[],
    evalSha,
    eval: async (script: string) => {
      store.evalCalls.push(script);
      return 'from eval';
    },
  };
  return store;
}

describe(RedisScript.name, () => {
  const sut = new RedisScript('return 1');
  const call = { keys: ['k'], arguments: ['a'] };

  it('calls the script by its SHA-1', async () => {
    const store = scriptedStore(async (sha) => sha);
    await expect(sut.run(store, call)).resolves.toBe('e0e1f9fabfc9d4800c877a703b823ac0578ff8db');
    expect(store.evalCalls).toEqual([]);
  });

  it('sends the source when Redis no longer has the script cached', async () => {
    const store = scriptedStore(() => Promise.reject(new Error('NOSCRIPT No matching script. Please use EVAL.')));
    await expect(sut.run(store, call)).resolves.toBe('from eval');
    expect(store.evalCalls).toEqual(['return 1']);
  });

  it('propagates any other failure, so callers fail closed', async () => {
    const store = scriptedStore(() => Promise.reject(new Error('Socket closed unexpectedly')));
    await expect(sut.run(store, call)).rejects.toThrow('Socket closed');
    expect(store.evalCalls).toEqual([]);
  });
});
