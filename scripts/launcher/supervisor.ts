import { describeExit, ManagedChild, type ChildExit } from './child.ts';
import { repoRoot, type Component } from './components.ts';
import type { Env } from './config.ts';
import type { LineSink } from './output.ts';

/** How a running system ended: stopped on request, or because one component died. */
export type SystemExit = { crashed: false } | { crashed: true; exit: ChildExit };

export interface SupervisorOptions {
  env: Env;
  sink: LineSink;
  prefixWidth: number;
  /** How long a child may take after SIGTERM before SIGKILL. */
  stopGraceMs: number;
  /** Put a dead child's last lines into the error, for when nobody saw its output. */
  includeTailInErrors: boolean;
}

/**
 * Owns the children of one run. If any of them dies without being asked to, the others are
 * stopped too: a half-running system only hides the failure. Stopping is ordered: the child
 * started last (the gateway, which stops taking requests that need the services) goes first,
 * then all the others together.
 */
export class Supervisor {
  readonly #options: SupervisorOptions;
  readonly #children: ManagedChild[] = [];
  /** Aborted with the reason when a child dies; waits in progress give up at once. */
  readonly #failure = new AbortController();
  readonly #killAll = () => this.#children.forEach((child) => child.kill());
  readonly #exit = Promise.withResolvers<SystemExit>();
  #crash: ChildExit | undefined;
  #stopped: Promise<SystemExit> | undefined;

  /** Settles when the system has stopped, whether by `stop()` or because a child died. */
  readonly exited = this.#exit.promise;

  constructor(options: SupervisorOptions) {
    this.#options = options;
    // Last resort when the launcher exits without stopping (an uncaught error, a test runner
    // tearing down): children run detached and would otherwise outlive it holding their ports.
    process.on('exit', this.#killAll);
  }

  get failureSignal(): AbortSignal {
    return this.#failure.signal;
  }

  spawn(component: Component): ManagedChild {
    const { env, sink, prefixWidth } = this.#options;
    const child = new ManagedChild(component, { cwd: repoRoot, env, sink, prefixWidth });
    this.#children.push(child);
    void child.exited.then((exit) => this.#onChildExit(child, exit));
    return child;
  }

  /** Each running child's process id by name, for tools that watch them (e.g. `npm run bench`). */
  pids(): Record<string, number> {
    const running = this.#children.filter((child) => child.running && child.pid !== undefined);
    return Object.fromEntries(running.map((child) => [child.name, child.pid!]));
  }

  stop(): Promise<SystemExit> {
    this.#stopped ??= this.#stopInOrder();
    return this.#stopped;
  }

  #onChildExit(child: ManagedChild, exit: ChildExit): void {
    if (this.#stopped) return;
    this.#crash = exit;
    const tail = this.#options.includeTailInErrors ? child.tail() : [];
    const detail = tail.length > 0 ? `\nlast output:\n${tail.join('\n')}` : '';
    this.#failure.abort(new Error(`${describeExit(exit)}${detail}`));
    void this.stop();
  }

  async #stopInOrder(): Promise<SystemExit> {
    const grace = this.#options.stopGraceMs;
    const rest = [...this.#children];
    await rest.pop()?.stop(grace);
    await Promise.all(rest.map((child) => child.stop(grace)));
    process.off('exit', this.#killAll);
    const result: SystemExit = this.#crash ? { crashed: true, exit: this.#crash } : { crashed: false };
    this.#exit.resolve(result);
    return result;
  }
}
