import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const START_TIMEOUT_MS = 15_000;

/** Forks a bench helper process and waits for its first IPC message (what it reports when ready). */
export async function forkAndWait(entry: string, args: string[]): Promise<{ child: ChildProcess; message: unknown }> {
  const child = fork(entry, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const [message] = (await once(child, 'message', { signal: AbortSignal.timeout(START_TIMEOUT_MS) })) as [unknown];
    return { child, message };
  } catch (error) {
    child.kill();
    throw error;
  }
}

export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill();
  await exited;
}
