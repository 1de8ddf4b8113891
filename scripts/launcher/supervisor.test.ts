import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HEAP_START_FLAGS } from '#libs/heap-tuning';
import type { Component } from './components.ts';
import { Supervisor } from './supervisor.ts';

const dir = mkdtempSync(join(tmpdir(), 'egp-supervisor-'));
const stopLog = join(dir, 'stops.log');

/** A child that says hello, and on SIGTERM records its name, waits `exitDelayMs`, exits 0. */
function steady(name: string, exitDelayMs = 0): Component {
  const entry = join(dir, `${name}.mjs`);
  writeFileSync(
    entry,
    // The handler is in place before the hello, so a SIGTERM sent on seeing it is never missed.
    `import { appendFileSync } from 'node:fs';
     process.on('SIGTERM', () => {
       appendFileSync(${JSON.stringify(stopLog)}, '${name}\\n');
       setTimeout(() => process.exit(0), ${exitDelayMs});
     });
     setInterval(() => {}, 1000);
     console.log('hello from ${name}');`,
  );
  return { name, entry };
}

function script(name: string, source: string): Component {
  const entry = join(dir, `${name}.mjs`);
  writeFileSync(entry, source);
  return { name, entry };
}

function supervisor(stopGraceMs = 5_000) {
  const lines: string[] = [];
  const sut = new Supervisor({
    env: {},
    sink: { stdout: (line) => lines.push(line), stderr: (line) => lines.push(line) },
    prefixWidth: 8,
    stopGraceMs,
    includeTailInErrors: true,
  });
  return { sut, lines };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe(Supervisor.name, () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stops everything and reports the culprit when one child dies on its own', async () => {
    const { sut, lines } = supervisor();
    const survivor = sut.spawn(steady('survivor'));
    await until(() => lines.includes('survivor | hello from survivor'));
    sut.spawn(script('crasher', `console.error('boom'); process.exit(3);`));

    const outcome = await sut.exited;
    expect(outcome).toEqual({ crashed: true, exit: { name: 'crasher', code: 3, signal: null } });
    expect(survivor.running).toBe(false);
    expect(String(sut.failureSignal.reason)).toMatch(/crasher exited with code 3[\s\S]*crasher {2}\| boom/);
  });

  it('stops the gateway before the services', async () => {
    rmSync(stopLog, { force: true });
    const { sut, lines } = supervisor();
    sut.spawn(steady('auth'));
    sut.spawn(steady('gateway', 200));
    await until(() => lines.length === 2);

    expect(await sut.stop()).toEqual({ crashed: false });
    expect(readFileSync(stopLog, 'utf8')).toBe('gateway\nauth\n');
  });

  it('lists the running children by name with their process ids', async () => {
    const { sut, lines } = supervisor();
    sut.spawn(steady('first'));
    sut.spawn(steady('second'));
    await until(() => lines.length === 2);

    const pids = sut.pids();
    expect(Object.keys(pids).sort()).toEqual(['first', 'second']);
    for (const pid of Object.values(pids)) expect(() => process.kill(pid, 0)).not.toThrow();

    await sut.stop();
    expect(sut.pids()).toEqual({});
  });

  it('kills a child that ignores SIGTERM once the grace period is over', async () => {
    const { sut, lines } = supervisor(300);
    const stubborn = sut.spawn(
      script('stubborn', `process.on('SIGTERM', () => {}); console.log('up'); setInterval(() => {}, 1000);`),
    );
    await until(() => lines.length === 1);

    await sut.stop();
    expect(await stubborn.exited).toMatchObject({ signal: 'SIGKILL' });
  });

  it("starts every child with the heap settings V8 reads only at start-up", async () => {
    const { sut, lines } = supervisor();
    sut.spawn(script('flags', `console.log(JSON.stringify(process.execArgv)); setInterval(() => {}, 1000);`));
    await until(() => lines.length === 1);
    await sut.stop();

    const execArgv = JSON.parse(lines[0]!.replace(/^flags +\| /, '')) as string[];
    expect(execArgv).toEqual(expect.arrayContaining([...HEAP_START_FLAGS]));
  });
});
