import { status as GrpcStatus, type ServerDuplexStream } from '@grpc/grpc-js';
import type { ExchangeRequest, ExchangeResponse } from '#gen/egp/transport/v1/multiplex_service';
import { errorFrame, notRunFrame } from './multiplex-frames.ts';

type ExchangeCall = ServerDuplexStream<ExchangeRequest, ExchangeResponse>;

interface OpenStream {
  call: ExchangeCall;
  inFlight: number;
  /** The caller half-closed: end our side once its last answer is written. */
  ended: boolean;
}

/**
 * The server end of MultiplexService: answers each request frame through `dispatch` (the
 * same path a unary call takes) and writes the answer back on the stream it came in on.
 * On shutdown it refuses new frames with UNAVAILABLE (a caller retries those that are safe
 * to repeat, on another replica), lets the ones in flight finish, then ends every stream.
 */
export class MultiplexEndpoint {
  readonly #dispatch: (frame: ExchangeRequest) => Promise<ExchangeResponse>;
  readonly #streams = new Set<OpenStream>();
  #inFlight = 0;
  #draining = false;
  #idle: (() => void) | undefined;

  constructor(dispatch: (frame: ExchangeRequest) => Promise<ExchangeResponse>) {
    this.#dispatch = dispatch;
  }

  /** The `Exchange` handler. */
  serve(call: ExchangeCall): void {
    const stream: OpenStream = { call, inFlight: 0, ended: false };
    this.#streams.add(stream);
    call.on('data', (frame: ExchangeRequest) => this.#answer(stream, frame));
    call.on('end', () => {
      stream.ended = true;
      this.#finishIfDone(stream);
    });
    const forget = () => this.#streams.delete(stream);
    call.on('cancelled', forget);
    call.on('error', forget);
    call.on('close', forget);
  }

  /** Refuses new frames, waits (at most `timeoutMs`) for those in flight, then ends every stream. */
  async drain(timeoutMs: number): Promise<void> {
    this.#draining = true;
    if (this.#inFlight > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        new Promise<void>((resolve) => (this.#idle = resolve)),
        new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs))),
      ]);
      clearTimeout(timer);
    }
    for (const stream of this.#streams) stream.call.end();
    this.#streams.clear();
  }

  #answer(stream: OpenStream, frame: ExchangeRequest): void {
    if (this.#draining) {
      this.#write(stream, notRunFrame(frame.callId));
      return;
    }
    stream.inFlight += 1;
    this.#inFlight += 1;
    // `dispatch` answers every failure with a frame; this catch only keeps a bug there from
    // leaving the caller waiting until its deadline.
    const answered = this.#dispatch(frame).catch(() => errorFrame(frame.callId, { code: GrpcStatus.INTERNAL, details: 'Internal error.' }));
    void answered.then((reply) => {
      this.#write(stream, reply);
      stream.inFlight -= 1;
      this.#inFlight -= 1;
      this.#finishIfDone(stream);
      if (this.#inFlight === 0) this.#idle?.();
    });
  }

  #write(stream: OpenStream, reply: ExchangeResponse): void {
    // A caller that went away takes its answers with it.
    if (this.#streams.has(stream) && !stream.call.cancelled && stream.call.writable) stream.call.write(reply);
  }

  #finishIfDone(stream: OpenStream): void {
    if (!stream.ended || stream.inFlight > 0 || !this.#streams.has(stream)) return;
    this.#streams.delete(stream);
    stream.call.end();
  }
}
