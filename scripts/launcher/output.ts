/** Where the launcher and its children write: prefixed lines, to the terminal or a stream. */
export type OutputTarget = 'inherit' | 'ignore' | NodeJS.WritableStream;

export interface LineSink {
  stdout(line: string): void;
  stderr(line: string): void;
}

/**
 * Splits a stream of text chunks into whole lines and hands each to `emit` with `prefix`
 * in front. A chunk may end mid-line: the rest waits for the next chunk or `end()`.
 */
export function createLinePrefixer(prefix: string, emit: (line: string) => void): { push(chunk: string): void; end(): void } {
  let pending = '';
  return {
    push(chunk) {
      const parts = (pending + chunk).split(/\r?\n/);
      pending = parts.pop() ?? '';
      for (const part of parts) emit(`${prefix}${part}`);
    },
    end() {
      if (pending !== '') emit(`${prefix}${pending}`);
      pending = '';
    },
  };
}

/** `name | ` padded so every child's lines line up, whatever the length of its name. */
export function formatPrefix(name: string, width: number): string {
  return `${name.padEnd(width)} | `;
}

export function sinkFor(target: OutputTarget): LineSink {
  if (target === 'ignore') return { stdout: () => {}, stderr: () => {} };
  if (target === 'inherit') {
    return {
      stdout: (line) => process.stdout.write(`${line}\n`),
      stderr: (line) => process.stderr.write(`${line}\n`),
    };
  }
  const write = (line: string) => target.write(`${line}\n`);
  return { stdout: write, stderr: write };
}

/** The last lines a child wrote, kept so a failed start-up can say why even with output ignored. */
export class LineTail {
  readonly #lines: string[] = [];
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  add(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.#capacity) this.#lines.shift();
  }

  lines(): readonly string[] {
    return [...this.#lines];
  }
}
