import { spawn, type ChildProcess } from 'node:child_process';
import { HEAP_START_FLAGS } from '#libs/heap-tuning';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Readable } from 'node:stream';
import type { Component } from './components.ts';
import type { Env } from './config.ts';
import { createLinePrefixer, formatPrefix, LineTail, type LineSink } from './output.ts';

export interface ChildExit {
  name: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be spawned at all. */
  error?: Error;
}

export interface ChildOptions {
  cwd: string;
  env: Env;
  sink: LineSink;
  prefixWidth: number;
}

/** How a child ended, in words, for messages. */
export function describeExit(exit: ChildExit): string {
  if (exit.error) return `${exit.name} could not start: ${exit.error.message}`;
  if (exit.signal) return `${exit.name} was killed by ${exit.signal}`;
  return `${exit.name} exited with code ${exit.code}`;
}

/**
 * One component run as `node <entry>`, its output prefixed with its name. It runs in its
 * own process group (detached) so a Ctrl-C in the terminal reaches only the launcher,
 * which then stops the children in order with SIGTERM.
 */
export class ManagedChild {
  readonly name: string;
  /** Settles once the process has exited and its output has been flushed. */
  readonly exited: Promise<ChildExit>;
  readonly #process: ChildProcess;
  readonly #tail = new LineTail(40);
  #running = true;

  constructor(component: Component, options: ChildOptions) {
    this.name = component.name;
    // V8 sizes the young generation at start-up: that setting can only go on the command line.
    this.#process = spawn(process.execPath, [...HEAP_START_FLAGS, component.entry, ...(component.args ?? [])], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const prefix = formatPrefix(component.name, options.prefixWidth);
    this.#forward(this.#process.stdout, prefix, (line) => options.sink.stdout(line));
    this.#forward(this.#process.stderr, prefix, (line) => options.sink.stderr(line));
    this.exited = new Promise<ChildExit>((resolve) => {
      this.#process.once('error', (error) => {
        if (this.#process.pid !== undefined) return; // a failed kill(), not a failed spawn
        this.#running = false;
        resolve({ name: this.name, code: null, signal: null, error });
      });
      this.#process.once('close', (code, signal) => {
        this.#running = false;
        resolve({ name: this.name, code, signal });
      });
    });
  }

  get running(): boolean {
    return this.#running;
  }

  /** The operating system's process id; undefined if the process could not be spawned. */
  get pid(): number | undefined {
    return this.#process.pid;
  }

  /** The last lines the child wrote, for explaining a failure. */
  tail(): readonly string[] {
    return this.#tail.lines();
  }

  /** SIGTERM, then SIGKILL if the child is still there after `graceMs`. */
  async stop(graceMs: number): Promise<ChildExit> {
    if (this.#running) {
      this.#process.kill('SIGTERM');
      const timeout = sleep(graceMs, 'timeout' as const, { ref: false });
      if ((await Promise.race([this.exited, timeout])) === 'timeout') this.#process.kill('SIGKILL');
    }
    return this.exited;
  }

  /** Immediate SIGKILL, for when the launcher itself is going away. */
  kill(): void {
    if (this.#running) this.#process.kill('SIGKILL');
  }

  #forward(stream: Readable | null, prefix: string, emit: (line: string) => void): void {
    if (!stream) return;
    const prefixer = createLinePrefixer(prefix, (line) => {
      this.#tail.add(line);
      emit(line);
    });
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => prefixer.push(chunk));
    stream.on('end', () => prefixer.end());
  }
}
