import type { DestinationStream } from 'pino';

export type LogLine = Record<string, unknown>;

/** A pino destination (`createLogger`'s third argument) that keeps every line, as written and parsed, for assertions. */
export class LogCapture implements DestinationStream {
  readonly text: string[] = [];
  readonly lines: LogLine[] = [];

  write(line: string): void {
    this.text.push(line);
    this.lines.push(JSON.parse(line) as LogLine);
  }

  /** The security log's lines for `event`, oldest first. */
  events(event: string): LogLine[] {
    return this.lines.filter((line) => line.log === 'security' && line.event === event);
  }
}
